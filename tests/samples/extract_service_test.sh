#!/usr/bin/env bash
# extract_service_test.sh FAKE_SERVER EXTRACT_SERVICE SCRIPT.json
# The extract_service sample against the fake model server, over loopback with curl:
#   1. SIGTERM while a request is in flight: that request still gets its 200, then exit 0;
#   2. four requests at once, each answered after a 800 ms model delay: all 200 with the contact,
#      and the service saw more than one in flight (one thread, so only coroutines overlap them);
#   3. bad input: wrong path 404, wrong method 405, empty body 400, malformed JSON 400,
#      JSON without "text" 400, too large 413, a text the model cannot structure 422;
#   4. --max-requests: the service stops by itself after the last answer, exit status 0.
# No sleeps: every wait is on a process or on a line the service prints.
set -euo pipefail
fake_server=$1 service=$2 script=$3
work=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; for f in "$work"/*.log; do [ -e "$f" ] && { echo "--- $f" >&2; cat "$f" >&2; }; done; exit 1; }

exec 3< <(exec "$fake_server" --port 0 --script "$script" --max-seconds 60)
pids+=($!)
read -r -t 20 line <&3 || fail "the fake server did not start"
export OPENAI_BASE_URL="http://127.0.0.1:${line#listening }/v1" OPENAI_API_KEY=sk-test-placeholder SCHEMAFORGE_MODEL=test-model

start_service() {  # $@: extra flags; sets url, service_pid, and fd 4 = the service's stdout
  exec 4< <(exec "$service" --port 0 --max-body 1024 --deadline-ms 20000 "$@" 2>"$work/service.log")
  service_pid=$!
  pids+=("$service_pid")
  read -r -t 20 line <&4 || fail "the service did not start"
  url="http://127.0.0.1:${line#listening }/extract"
}

# post NAME [curl args...]: the body to $work/NAME.out, the status to $work/NAME.status
post() {
  local name=$1; shift
  curl -s -o "$work/$name.out" -w '%{http_code}' -H 'Expect:' --max-time 30 "$@" >"$work/$name.status" || true
}
expect_status() {  # NAME STATUS [REGEX on the body]
  local got; got=$(cat "$work/$1.status")
  [ "$got" = "$2" ] || fail "$1: status $got, expected $2; body: $(cat "$work/$1.out")"
  [ $# -lt 3 ] || grep -Eq -- "$3" "$work/$1.out" || fail "$1: body does not match $3: $(cat "$work/$1.out")"
  echo "ok: $1 -> $2 $(head -c 160 "$work/$1.out")"
}

# 1: SIGTERM with a request in flight (the fake model holds it for 800 ms). --log prints a line
# when a request arrives, so the signal is sent while it is surely in flight, without sleeping.
exec 4< <(exec "$service" --port 0 --log 2>&1)
service_pid=$!
pids+=("$service_pid")
read -r -t 20 line <&4 || fail "the service did not start"
url="http://127.0.0.1:${line#listening }/extract"
post in_flight "$url" --data-binary '{"name": "Last One", "email": "last@example.org"}' &
curl_pid=$!
arrived=no
while read -r -t 20 line <&4; do
  [[ $line == *"received POST /extract"* ]] && { arrived=yes; break; }
done
[ "$arrived" = yes ] || fail "the service did not log the request"
kill -TERM "$service_pid"
wait "$curl_pid" || true
expect_status in_flight 200 '"name":"Last One"'
wait "$service_pid" || fail "the service exited with status $? after SIGTERM"
rest=$(cat <&4)
grep -Eq 'served 1 requests \(1 ok\), at most 1 in flight; stopped' <<<"$rest" || fail "summary after SIGTERM: $rest"
echo "ok: SIGTERM let the request in flight finish, then exit 0"

# 2 + 3 + 4: 4 concurrent, 7 bad ones, then the service must be gone by itself.
start_service --max-requests 11
curls=()
for k in 1 2 3 4; do
  # The fake model echoes the last message: a JSON text comes back as the answer.
  post "concurrent$k" "$url" -H 'content-type: text/plain' \
    --data-binary "{\"name\": \"Person $k\", \"email\": \"person$k@example.org\"}" &
  curls+=($!)
done
wait "${curls[@]}"
for k in 1 2 3 4; do expect_status "concurrent$k" 200 "\"email\":\"person$k@example.org\""; done

post not_found "${url%/extract}/nothing" -d 'x';                                 expect_status not_found 404 '"type":"not_found"'
post wrong_method "$url";                                                        expect_status wrong_method 405 '"type":"method_not_allowed"'
post empty "$url" -H 'content-type: text/plain' --data-binary ' ';                expect_status empty 400 '"type":"invalid_input"'
post bad_json "$url" -H 'content-type: application/json' -d '{"text": ';         expect_status bad_json 400 '"type":"invalid_json"'
post no_text "$url" -H 'content-type: application/json' -d '{"body": "x"}';       expect_status no_text 400 '"type":"invalid_input"'
head -c 5000 /dev/zero | tr '\0' 'a' >"$work/big.txt"
post too_large "$url" -H 'content-type: text/plain' --data-binary @"$work/big.txt"; expect_status too_large 413 '"type":"body_too_large"'
post unstructurable "$url" -d 'hello there, nothing to see';                     expect_status unstructurable 422 '"type":"invalid_output"'

wait "$service_pid" || fail "the service exited with status $? after --max-requests"
grep -Eq 'served 11 requests \(4 ok\), at most [2-4] in flight; stopped' "$work/service.log" \
  || fail "summary: $(cat "$work/service.log")"
echo "ok: stopped after --max-requests: $(cat "$work/service.log")"
