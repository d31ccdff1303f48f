#!/usr/bin/env bash
# Lints phonenumbers.yaml and control.yaml with Redocly CLI (recommended, redocly.yaml) and
# Spectral (spectral:oas with every rule, .spectral.yaml). Fails on any error or warning.
#
# The linters are installed with npm, at the versions pinned below, into a cache directory
# (PHONENUMBERS_LINT_DIR, default ${XDG_CACHE_HOME:-$HOME/.cache}/phonenumbers-lint), once:
# later runs reuse them. Needs Node.js 20.19+ (20.x) or 22.12+, and npm.
#
# Usage: openapi/lint.sh
set -euo pipefail

REDOCLY_VERSION=2.77.0 # @redocly/cli; newest release that runs on Node 20 (>=20.19 <21 or >=22.12)
SPECTRAL_VERSION=6.16.3 # @stoplight/spectral-cli

dir=${PHONENUMBERS_LINT_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/phonenumbers-lint}
specs=(phonenumbers.yaml control.yaml)

cd "$(dirname "${BASH_SOURCE[0]}")"

for tool in node npm; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "lint.sh: $tool not found; install Node.js 20.19+ with npm (Debian/Ubuntu: sudo apt-get install nodejs npm; or https://nodejs.org)" >&2
		exit 1
	fi
done

# No usage reports from the tools.
export REDOCLY_TELEMETRY=off REDOCLY_SUPPRESS_UPDATE_NOTICE=true SCARF_ANALYTICS=false DO_NOT_TRACK=1

# installed PKG prints the version of PKG installed in $dir, or nothing.
installed() {
	local pj="$dir/node_modules/$1/package.json"
	[[ -f $pj ]] && node -p "require(process.argv[1]).version" "$pj" 2>/dev/null || true
}

if [[ $(installed @redocly/cli) != "$REDOCLY_VERSION" || $(installed @stoplight/spectral-cli) != "$SPECTRAL_VERSION" ]]; then
	echo "Installing @redocly/cli@$REDOCLY_VERSION and @stoplight/spectral-cli@$SPECTRAL_VERSION into $dir" >&2
	mkdir -p "$dir"
	# Both in one command: npm drops packages a --no-save install does not name.
	npm install --no-save --no-audit --no-fund --ignore-scripts --prefix "$dir" \
		"@redocly/cli@$REDOCLY_VERSION" "@stoplight/spectral-cli@$SPECTRAL_VERSION" >&2
fi

redocly="$dir/node_modules/.bin/redocly"
spectral="$dir/node_modules/.bin/spectral"
echo "node $(node --version), @redocly/cli $("$redocly" --version 2>/dev/null), @stoplight/spectral-cli $("$spectral" --version)"

status=0

# Redocly: redocly.yaml lists both descriptions under `apis`. Its exit code reflects errors
# only, so the warnings are counted from its JSON report, one API at a time.
echo "== redocly lint (recommended, redocly.yaml)"
"$redocly" lint --config redocly.yaml --lint-config error --format stylish || status=1
for api in phonenumbers control; do
	report=$("$redocly" lint --config redocly.yaml --lint-config error --format json "$api" 2>/dev/null) || true
	counts=$(node -e 'const t=JSON.parse(process.argv[1]).totals;console.log(t.errors+" "+t.warnings)' "$report" 2>/dev/null) ||
		counts="? ?"
	read -r errors warnings <<<"$counts"
	if [[ $errors != 0 || $warnings != 0 ]]; then
		echo "redocly: $api: $errors errors, $warnings warnings" >&2
		status=1
	fi
done

# Spectral: fails on warnings with --fail-severity=warn.
echo "== spectral lint (spectral:oas all, .spectral.yaml)"
"$spectral" lint --ruleset .spectral.yaml --fail-severity warn --fail-on-unmatched-globs "${specs[@]}" || status=1

if [[ $status == 0 ]]; then
	echo "lint.sh: both descriptions are clean under Redocly $REDOCLY_VERSION and Spectral $SPECTRAL_VERSION"
else
	echo "lint.sh: lint problems (see above)" >&2
fi
exit "$status"
