#!/usr/bin/env bash
# Runs the official SDKs' interop suites against `phonenumbers serve` (make interop).
#
#   interop/run.sh [BIN]      BIN: the phonenumbers binary (default bin/phonenumbers)
#
# Needs the suites' dependencies installed (make interop does it): npm ci in interop/js and
# interop/js/common-2.3.1, and Debian's python3-azure for $PYTHON (default /usr/bin/python3).
# Each suite gets its own server (fresh poll counts): HTTPS with a self-signed certificate,
# an HMAC access key, interop/fixtures.yaml, on a free loopback port (--addr 127.0.0.1:0).
# Exit status 0 when every suite passed, 1 otherwise; a summary ends the output.
set -uo pipefail
cd "$(dirname "$0")/.."

BIN=${1:-bin/phonenumbers}
PYTHON=${PYTHON:-/usr/bin/python3}
NODE=${NODE:-node}
SUITE_TIMEOUT=${SUITE_TIMEOUT:-180}

[ -x "$BIN" ] || { echo "interop: $BIN is missing; run make build (or make interop)"; exit 1; }

work=$(mktemp -d)
server_pid=
cleanup() {
	if [ -n "$server_pid" ]; then kill "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
	rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# A fresh key per run, handed to the server and the suites through the environment only.
key=$(head -c 32 /dev/urandom | base64 | tr -d '\n')

# start_server NAME: starts serve for suite NAME; sets server_pid, url and ca.
start_server() {
	local dir="$work/$1"
	mkdir -p "$dir"
	PHONENUMBERS_ACCESS_KEY=$key PHONENUMBERS_RESOURCES=${PN_RESOURCE:-} "$BIN" serve --addr 127.0.0.1:0 --fixtures interop/fixtures.yaml \
		--tls-self-signed "$dir/tls" >"$dir/server.log" 2>&1 &
	server_pid=$!
	url=
	for _ in $(seq 100); do
		url=$(sed -n 's/.*msg="phonenumbers server listening" url=\([^ ]*\).*/\1/p' "$dir/server.log" | head -1)
		[ -n "$url" ] && break
		kill -0 "$server_pid" 2>/dev/null || break
		sleep 0.1
	done
	if [ -z "$url" ]; then
		echo "interop: the server for $1 did not start:"
		sed 's/^/    /' "$dir/server.log"
		return 1
	fi
	ca="$dir/tls/cert.pem"
}

stop_server() {
	kill "$server_pid" 2>/dev/null
	wait "$server_pid" 2>/dev/null
	server_pid=
}

results=()
failed=0

# run_suite NAME COMMAND...: runs one suite against its own server, records the outcome.
run_suite() {
	local name=$1
	shift
	echo
	echo "=== $name"
	if ! start_server "$name"; then
		results+=("FAIL  $name (server did not start)")
		failed=1
		return
	fi
	local status=0
	# With PN_RESOURCE the suite reaches a named resource path-style (serve --resource),
	# with the trailing slash connection strings carry or, PN_SLASH= , without.
	local endpoint="$url/"
	[ -n "${PN_RESOURCE:-}" ] && endpoint="$url/$PN_RESOURCE${PN_SLASH-/}"
	# The JS SDK refuses an endpoint with a path: it gets the root and PN_RESOURCE_PREFIX.
	[ -n "${PN_RESOURCE_PREFIX:-}" ] && endpoint="$url/"
	PN_ENDPOINT="$endpoint" PN_ACCESS_KEY=$key PN_LABEL=$name \
		NODE_EXTRA_CA_CERTS=$ca REQUESTS_CA_BUNDLE=$ca \
		timeout "$SUITE_TIMEOUT" "$@" >"$work/$name/suite.log" 2>&1 || status=$?
	cat "$work/$name/suite.log"
	stop_server
	local counts
	counts=$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed" "$work/$name/suite.log" | tail -1 | sed "s/^$name: //")
	if [ "$status" -eq 0 ]; then
		results+=("PASS  $name ($counts)")
	else
		[ "$status" -eq 124 ] && counts="timed out after ${SUITE_TIMEOUT}s"
		results+=("FAIL  $name (${counts:-exit status $status})")
		failed=1
		echo "--- $name: what the server logged"
		sed 's/^/    /' "$work/$name/server.log"
	fi
}

PN_EXPECT_COMMON=2.4.2 run_suite js "$NODE" interop/js/interop.mjs interop/js
PN_EXPECT_COMMON=2.3.1 run_suite js-common-2.3.1 "$NODE" interop/js/interop.mjs interop/js/common-2.3.1
run_suite python "$PYTHON" interop/python/interop.py
# The same suites against a resource hosted path-style (serve --resource), signed over the
# prefixed path: Python by endpoint alone (without the trailing slash), JS through a
# per-call policy adding the path (its endpoint may not have one).
PN_EXPECT_COMMON=2.4.2 PN_RESOURCE=interop-res PN_RESOURCE_PREFIX=/interop-res run_suite js-resource "$NODE" interop/js/interop.mjs interop/js
PN_RESOURCE=interop-res PN_SLASH= run_suite python-resource "$PYTHON" interop/python/interop.py

echo
echo "=== interop summary"
printf '%s\n' "${results[@]}"
if [ "$failed" -ne 0 ]; then
	echo "interop: FAILED"
	exit 1
fi
echo "interop: all suites passed"
