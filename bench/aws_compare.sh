#!/usr/bin/env bash
# Issue 5 benchmark: the AWS JSON API against the rpc API, in one run on one cofferd.
# wrk replays a pre-signed Encrypt and a pre-signed GenerateDataKey request (SigV4 allows
# replay within the 15-minute window, so one signature serves a short run; the server
# still verifies every request: HMAC chain, canonical request, constant-time compare);
# coffer-load drives the same operations over the rpc port. Prints requests per second and
# p99 latency for each, and the AWS/rpc ratio (target: at least 0.5).
#
# Usage: bench/aws_compare.sh [BUILD_DIR (default build/release)] [SECONDS (default 10)]
# Needs wrk (apt install wrk) and python3 with botocore.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
seconds=${2:-10}
connections=${COFFER_BENCH_CONNECTIONS:-32}
cofferd=$build/tools/cofferd/cofferd
load=${COFFER_LOAD:-$build/tools/coffer-load/coffer-load}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
PY=$(if /usr/bin/python3 -c 'import botocore' 2>/dev/null; then echo /usr/bin/python3; else command -v python3; fi)

. "$root/tests/interop/cofferd_aws_env.sh"
start_cofferd "$cofferd"
printf '%s:%s' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$work/api.key"

# One key; Lua scripts for wrk holding a signed request each.
key=$("$PY" - "$work" <<'PY'
import json, os, sys
import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from urllib.parse import urlsplit
work = sys.argv[1]
endpoint = os.environ["COFFER_AWS_ENDPOINT"]
region = os.environ["AWS_DEFAULT_REGION"]
creds = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
kms = botocore.session.get_session().create_client("kms", endpoint_url=endpoint, region_name=region)
key = kms.create_key()["KeyMetadata"]["KeyId"]
bodies = {
    "encrypt": ("TrentService.Encrypt", {"KeyId": key, "Plaintext": "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY="}),
    "generate-data-key": ("TrentService.GenerateDataKey", {"KeyId": key, "KeySpec": "AES_256"}),
}
for name, (target, body) in bodies.items():
    data = json.dumps(body)
    req = AWSRequest(method="POST", url=endpoint + "/", data=data,
                     headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target})
    SigV4Auth(creds, "kms", region).add_auth(req)
    headers = dict(req.headers.items())
    headers["Host"] = urlsplit(endpoint).netloc
    with open(os.path.join(work, name + ".lua"), "w") as f:
        f.write('wrk.method = "POST"\n')
        f.write("wrk.body = %s\n" % json.dumps(data))
        for k, v in headers.items():
            f.write("wrk.headers[%s] = %s\n" % (json.dumps(k), json.dumps(v)))
        # Count non-200 answers so a rejected signature can never pass as throughput.
        f.write("bad = 0\nfunction response(status, headers, body) if status ~= 200 then bad = bad + 1 end end\n")
        f.write('function done(summary, latency, requests) io.write(string.format("non200 %d\\n", bad)) end\n')
print(key)
PY
)

results=()
for op in encrypt generate-data-key; do
  wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$work/$op.lua" "$COFFER_AWS_ENDPOINT/" >"$work/wrk-$op.txt"
  aws_rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk-$op.txt")
  aws_p99=$(awk '$1 == "99%" {print $2}' "$work/wrk-$op.txt")
  bad=$(awk '/^non200/ {print $2}' "$work/wrk-$op.txt")
  "$load" --endpoint "127.0.0.1:$RPC_PORT" --plaintext-tcp --api-key-file "$work/api.key" --key-id "$key" \
    --mix "$op=100" --connections 1 --in-flight "$connections" --duration "$seconds" --json >"$work/load-$op.json"
  rpc_rps=$("$PY" -c 'import json,sys; print("%.0f" % json.load(open(sys.argv[1]))["ops_per_second"])' "$work/load-$op.json")
  rpc_p99=$("$PY" -c 'import json,sys; print("%.2fms" % json.load(open(sys.argv[1]))["latency_ms"]["p99"])' "$work/load-$op.json")
  ratio=$("$PY" -c "print('%.2f' % ($aws_rps / max($rpc_rps, 1)))")
  results+=("| $op | $aws_rps | $aws_p99 | $rpc_rps | $rpc_p99 | $ratio | $bad |")
done
echo "| operation | AWS JSON req/s | AWS p99 | rpc req/s | rpc p99 | AWS/rpc | AWS non-200 |"
echo "| --- | --- | --- | --- | --- | --- | --- |"
printf '%s\n' "${results[@]}"
echo "($seconds s each, $connections connections (wrk) / $connections in flight on one connection (coffer-load), $(nproc) cores, build $build)"
