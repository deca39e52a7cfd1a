#!/usr/bin/env bash
# sql_is_constant.sh -- no SQL is ever built from input.
#
# Every call that sends SQL to PostgreSQL must pass a string literal, a
# choice between literals, a named constant defined in the same file as a
# literal, the prepared-statement table, or an embedded migration; and no
# printf-like call may build text that contains SQL. Values always travel
# as parameters ($1, $2, ...). Prints TAP; exit 1 on any finding.
set -uo pipefail
cd "$(dirname "$0")/../.."

n=0 bad=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
fail() { n=$((n + 1)); bad=1; echo "not ok $n - $1"; }

# 1. the SQL argument of each call
allowed='^("|[a-z_]+ == [A-Z_]+ *\?|rc == 0 \?|session_setup|seed_tables|seed_upsert|copy_flows|copy_labels|statements\[[a-z]+\]\.(name|sql)|\(const char \*\) f->data|sql\)|copy_sql\))'
while IFS=: read -r file line text; do
  arg=$(sed -E 's/.*(PQexec|PQexecParams|PQprepare|PQsendQuery|store_command) \([a-z_>-]+,[[:space:]]*//' <<<"$text")
  # a call broken over lines: the argument starts on the next line
  [ -z "${arg// }" ] && arg=$(sed -n "$((line + 1))p" "$file" | sed -E 's/^[[:space:]]+//')
  if grep -Eq "$allowed" <<<"$arg"; then ok "$file:$line sends constant SQL"
  else fail "$file:$line sends SQL that is not a constant: $arg"; fi
done < <(grep -nE '(PQexec|PQexecParams|PQprepare|PQsendQuery|store_command) \(' server/*.c api/*.c \
         | grep -vE '^[^:]+:[0-9]+:(bool|PGresult \*|static)? *store_command \(PGconn')

# 2. the wrappers that take SQL get it only from constants (their callers
#    are lines of step 1), and no printf-like call writes SQL
if grep -nE '(s?n?printf|strcat|strcpy) *\([^;]*"[^"]*(SELECT .*FROM|INSERT INTO|UPDATE [a-z_]+ SET|DELETE FROM|COPY [a-z_]+ (FROM|TO)|(CREATE|DROP|ALTER) (TABLE|INDEX|VIEW))' \
     server/*.c api/*.c; then
  fail "a printf-like call builds SQL text"
else
  ok "no printf-like call builds SQL text"
fi
# 3. the prepared statements are literals
if awk '/statements\[STMT_COUNT\] = \{/,/^};/' server/store.c | grep -E '\[STMT_[A-Z_]+\] = \{ "[a-z_]+",' -A12 \
     | grep -E '^\s+[a-z_]+ *[,}]' | grep -qv '^\s*"'; then
  fail "a prepared statement's SQL is not a literal"
else
  ok "every prepared statement's SQL is a literal"
fi
echo "1..$n"
exit $bad
