#!/usr/bin/env bash
# The check step of the GitHub Action (action.yml): runs `lambda-egress check` on the templates given, writes the SARIF
# file for code scanning and the Markdown summary to $GITHUB_STEP_SUMMARY, and hands check's exit code to the action
# (output exit-code) so that the SARIF is uploaded before the job fails.
# Inputs (environment): INPUT_TEMPLATES (paths or globs, space- or newline-separated), INPUT_ARGS (more check options),
# INPUT_FAIL_ON (check's --fail-on), INPUT_SARIF (the SARIF file to write).
set -uo pipefail

templates="${INPUT_TEMPLATES:-}"
sarif="${INPUT_SARIF:-lambda-egress.sarif}"
fail_on="${INPUT_FAIL_ON:-error}"
if [ -z "${templates//[[:space:]]/}" ]; then
  echo "::error title=lambda-egress::the templates input is empty: name the templates to check (e.g. template.yaml)"
  exit 2
fi

# The CLI of this action's own checkout, built first when it is not (a checkout of the repository has no dist/).
root="${GITHUB_ACTION_PATH:-$(cd "$(dirname "$0")/.." && pwd)}"
if [ ! -f "$root/dist/cli.cjs" ]; then
  (cd "$root" && npm ci --no-audit --no-fund --loglevel=error && npm run build --silent) || {
    echo "::error title=lambda-egress::could not build lambda-egress in $root"
    exit 2
  }
fi
cli=(node "$root/bin/lambda-egress.js")

# Word splitting and globbing on purpose: the input is a list of paths or patterns.
read -r -d '' -a files <<<"$templates"
read -r -d '' -a extra <<<"${INPUT_ARGS:-}"
expanded=()
for f in "${files[@]}"; do
  # shellcheck disable=SC2206
  matches=($f)
  expanded+=("${matches[@]}")
done

"${cli[@]}" check "${expanded[@]}" "${extra[@]}" --fail-on "$fail_on" --format sarif >"$sarif"
code=$?
if [ "$code" -ge 2 ]; then
  echo "::error title=lambda-egress::check stopped with exit code $code (see the message above)"
  rm -f "$sarif"
  [ -n "${GITHUB_OUTPUT:-}" ] && echo "exit-code=$code" >>"$GITHUB_OUTPUT"
  exit "$code"
fi
if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
  "${cli[@]}" check "${expanded[@]}" "${extra[@]}" --fail-on "$fail_on" --format markdown >>"$GITHUB_STEP_SUMMARY"
fi
if [ -n "${GITHUB_OUTPUT:-}" ]; then
  {
    echo "sarif=$sarif"
    echo "exit-code=$code"
  } >>"$GITHUB_OUTPUT"
fi
[ "$code" -eq 0 ] && echo "lambda-egress: no findings at or above $fail_on" || echo "lambda-egress: findings at or above $fail_on (exit code $code)"
exit 0
