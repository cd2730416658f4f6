# Shared by the shell test scripts: count checks, print the closing line ctest logs show.
#   check DESCRIPTION COMMAND...   runs the command and counts its result
#   finish                         prints "N passed, M failed"; fails if any check failed
passed=0
failed=0
check() {
  local what=$1
  shift
  if "$@"; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "FAILED: $what" >&2
  fi
}
finish() {
  echo "$passed passed, $failed failed"
  [ "$failed" -eq 0 ]
}
