#!/usr/bin/env bash
# Issue 15 benchmark: GetSecretValue against KMS Decrypt, over the same front end in the
# same run on one cofferd (target: GetSecretValue at least 80% of the Decrypt rate).
#   AWS JSON: wrk replays a pre-signed secretsmanager.GetSecretValue and a pre-signed
#             TrentService.Decrypt (SigV4 allows replay within 15 minutes; every request is
#             still verified in full), alternating three rounds each; medians are reported.
#   rpc:      coffer-load's get-secret-value and decrypt mixes, the same way.
# The secret is 64 bytes under a customer KMS key; Decrypt opens a 32-byte ciphertext of the
# same key. Prints req/s and p99 for each and the ratio.
#
# Usage: bench/secrets_compare.sh [BUILD_DIR (default build/release)] [SECONDS (default 10)]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
seconds=${2:-10}
rounds=${COFFER_BENCH_ROUNDS:-3}
connections=${COFFER_BENCH_CONNECTIONS:-32}
cofferd=$build/tools/cofferd/cofferd
load=${COFFER_LOAD:-$build/tools/coffer-load/coffer-load}
command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
. "$root/tests/interop/cofferd_aws_env.sh"
PY=$(pick_python_with_boto3)
start_cofferd "$cofferd"
printf '%s:%s' "$AWS_ACCESS_KEY_ID" "$AWS_SECRET_ACCESS_KEY" >"$work/api.key"

read -r key secret < <("$PY" - "$work" <<'PY'
import base64, json, os, sys
import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from urllib.parse import urlsplit
work = sys.argv[1]
endpoint = os.environ["COFFER_AWS_ENDPOINT"]
region = os.environ["AWS_DEFAULT_REGION"]
creds = Credentials(os.environ["AWS_ACCESS_KEY_ID"], os.environ["AWS_SECRET_ACCESS_KEY"])
session = botocore.session.get_session()
kms = session.create_client("kms", endpoint_url=endpoint, region_name=region)
sm = session.create_client("secretsmanager", endpoint_url=endpoint, region_name=region)
key = kms.create_key()["KeyMetadata"]["KeyId"]
blob = kms.encrypt(KeyId=key, Plaintext=b"0123456789abcdef0123456789abcdef")["CiphertextBlob"]
secret = sm.create_secret(Name="bench/secret", KmsKeyId=key, SecretString="s" * 64)["ARN"]
bodies = {
    "decrypt": ("kms", "TrentService.Decrypt",
                {"CiphertextBlob": base64.b64encode(blob).decode()}),
    "get-secret-value": ("secretsmanager", "secretsmanager.GetSecretValue", {"SecretId": "bench/secret"}),
}
for name, (service, target, body) in bodies.items():
    data = json.dumps(body)
    req = AWSRequest(method="POST", url=endpoint + "/", data=data,
                     headers={"Content-Type": "application/x-amz-json-1.1", "X-Amz-Target": target})
    SigV4Auth(creds, service, region).add_auth(req)
    headers = dict(req.headers.items())
    headers["Host"] = urlsplit(endpoint).netloc
    with open(os.path.join(work, name + ".lua"), "w") as f:
        f.write('wrk.method = "POST"\n')
        f.write("wrk.body = %s\n" % json.dumps(data))
        for k, v in headers.items():
            f.write("wrk.headers[%s] = %s\n" % (json.dumps(k), json.dumps(v)))
        f.write("bad = 0\nfunction response(status, headers, body) if status ~= 200 then bad = bad + 1 end end\n")
        f.write('function done(summary, latency, requests) io.write(string.format("non200 %d\\n", bad)) end\n')
print(key, secret)
PY
)

median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
declare -A aws_rps aws_p99 rpc_rps rpc_p99
for round in $(seq "$rounds"); do
  for op in decrypt get-secret-value; do
    wrk -t1 -c"$connections" -d"${seconds}s" --latency -s "$work/$op.lua" "$COFFER_AWS_ENDPOINT/" >"$work/wrk.txt"
    bad=$(awk '/^non200/ {print $2}' "$work/wrk.txt")
    [ "$bad" = 0 ] || { echo "$op: $bad non-200 answers" >&2; cat "$work/wrk.txt" >&2; exit 1; }
    aws_rps[$op]+="$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt") "
    aws_p99[$op]+="$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) sub(/ms/,"",v); else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; print v}' "$work/wrk.txt") "
    if [ -x "$load" ] && "$load" --help 2>&1 | grep -q get-secret-value; then
      extra=(--key-id "$key")
      [ "$op" = get-secret-value ] && extra=(--key-id "$secret")
      "$load" --endpoint "127.0.0.1:$RPC_PORT" --plaintext-tcp --api-key-file "$work/api.key" "${extra[@]}" \
        --mix "$op=100" --connections 1 --in-flight "$connections" --duration "$seconds" --json >"$work/load.json"
      rpc_rps[$op]+="$("$PY" -c 'import json,sys; print("%.0f" % json.load(open(sys.argv[1]))["ops_per_second"])' "$work/load.json") "
      rpc_p99[$op]+="$("$PY" -c 'import json,sys; print("%.2f" % json.load(open(sys.argv[1]))["latency_ms"]["p99"])' "$work/load.json") "
    fi
  done
done
med() { tr ' ' '\n' <<<"$1" | grep -v '^$' | median; }
echo "| front end | Decrypt req/s | Decrypt p99 ms | GetSecretValue req/s | GetSecretValue p99 ms | ratio |"
echo "| --- | --- | --- | --- | --- | --- |"
d=$(med "${aws_rps[decrypt]}"); g=$(med "${aws_rps[get-secret-value]}")
echo "| AWS JSON | $d | $(med "${aws_p99[decrypt]}") | $g | $(med "${aws_p99[get-secret-value]}") | $("$PY" -c "print('%.2f' % ($g / $d))") |"
if [ -n "${rpc_rps[decrypt]:-}" ]; then
  d=$(med "${rpc_rps[decrypt]}"); g=$(med "${rpc_rps[get-secret-value]}")
  echo "| rpc | $d | $(med "${rpc_p99[decrypt]}") | $g | $(med "${rpc_p99[get-secret-value]}") | $("$PY" -c "print('%.2f' % ($g / $d))") |"
fi
echo "(medians of $rounds rounds of $seconds s each, $connections connections (wrk) / in flight (coffer-load), $(nproc) cores, build $build)"
