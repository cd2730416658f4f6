#include "server/rotation/lambda_function.h"

#include <sys/stat.h>
#include <unistd.h>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "common/log.h"
#include "common/utf8.h"
#include "server/rotation/child_process.h"

namespace coffer::server::rotation {
namespace {

// Runs lambda_handler(event, context) of the module named by argv[1] as AWS Lambda's Python
// runtime would: the event on stdin, a context with the same attributes, INFO logging.
constexpr const char* kPythonRunner = R"py(
import importlib.util, json, logging, os, sys, time, uuid
path = sys.argv[1]
event = json.loads(sys.stdin.read())
logging.basicConfig(stream=sys.stderr, level=logging.INFO)
sys.path.insert(0, os.path.dirname(path))
spec = importlib.util.spec_from_file_location(os.path.splitext(os.path.basename(path))[0], path)
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
class Context:
    function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME", "")
    function_version = "$LATEST"
    invoked_function_arn = os.environ.get("COFFER_FUNCTION_ARN", "")
    memory_limit_in_mb = "128"
    aws_request_id = str(uuid.uuid4())
    log_group_name = "/coffer/rotation/" + function_name
    log_stream_name = aws_request_id
    _deadline = time.time() + int(os.environ.get("COFFER_STEP_TIMEOUT_MS", "60000")) / 1000.0
    def get_remaining_time_in_millis(self):
        return int(max(0.0, self._deadline - time.time()) * 1000)
module.lambda_handler(event, Context())
)py";

bool valid_function_name(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool is_file(const std::string& path, bool executable) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return false;
  return !executable || ::access(path.c_str(), X_OK) == 0;
}

}  // namespace

std::optional<LambdaLocation> find_lambda(const std::string& dir, const std::string& lambda_arn,
                                          const std::string& python) {
  constexpr std::string_view kPrefix = "arn:aws:lambda:";
  if (dir.empty() || !lambda_arn.starts_with(kPrefix)) return std::nullopt;
  // arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    const auto colon = lambda_arn.find(':', start);
    parts.push_back(lambda_arn.substr(start, colon - start));
    if (colon == std::string::npos) break;
    start = colon + 1;
  }
  if (parts.size() < 7 || parts.size() > 8 || parts[5] != "function") return std::nullopt;
  const std::string& name = parts[6];
  if (!valid_function_name(name)) return std::nullopt;
  const std::string base = dir + "/" + name;
  if (is_file(base, /*executable=*/true)) return LambdaLocation{{base}, name};
  if (is_file(base + ".py", false) && !python.empty())
    return LambdaLocation{{python, "-c", kPythonRunner, base + ".py"}, name};
  return std::nullopt;
}

LambdaFunction::LambdaFunction(LambdaLocation location, std::vector<std::string> environment,
                               std::chrono::milliseconds step_timeout)
    : location_(std::move(location)),
      environment_(std::move(environment)),
      step_timeout_(step_timeout) {
  environment_.push_back("AWS_LAMBDA_FUNCTION_NAME=" + location_.name);
  environment_.push_back("COFFER_STEP_TIMEOUT_MS=" + std::to_string(step_timeout_.count()));
}

void LambdaFunction::invoke(const RotationEvent& event) {
  const nlohmann::json body{{"SecretId", event.secret_id},
                            {"ClientRequestToken", event.client_request_token},
                            {"Step", std::string(step_name(event.step))}};
  const ChildResult result = run_child(location_.command, environment_, body.dump(), step_timeout_);
  log_event(result.exit_status == 0 ? LogLevel::kInfo : LogLevel::kWarn, "rotation_step_output",
            {{"function", location_.name},
             {"secret", event.secret_id},
             {"step", std::string(step_name(event.step))},
             {"exit_status", std::to_string(result.exit_status)},
             {"output", valid_utf8(result.output)}});
  if (result.timed_out) {
    throw Error(ErrorCode::kInternalServiceError, "rotation function " + location_.name +
                                                      " timed out in step " +
                                                      std::string(step_name(event.step)));
  }
  if (result.exit_status != 0) {
    throw Error(ErrorCode::kInternalServiceError, "rotation function " + location_.name +
                                                      " failed in step " +
                                                      std::string(step_name(event.step)));
  }
}

}  // namespace coffer::server::rotation
