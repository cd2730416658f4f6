// coffer secrets: rotate, cancel-rotation, random-password.
#include "tools/coffer/blob_io.h"
#include "tools/coffer/command_helpers.h"
#include "tools/coffer/output.h"
#include "tools/coffer/secret_io.h"

namespace coffer::tools::cli {
namespace {

void rotate(Context& c) {
  const Args& a = c.args();
  sv1::RotateSecretRequest request;
  request.set_secret_id(a.required("secret-id"));
  if (auto v = a.get("client-request-token")) request.set_client_request_token(*v);
  if (auto v = a.get("rotation-lambda-arn")) request.set_rotation_lambda_arn(*v);
  if (auto days = a.get_int("automatically-after-days"))
    request.mutable_rotation_rules()->set_automatically_after_days(*days);
  if (auto v = a.get("schedule-expression"))
    request.mutable_rotation_rules()->set_schedule_expression(*v);
  if (auto v = a.get("duration")) request.mutable_rotation_rules()->set_duration(*v);
  if (a.has("no-rotate-immediately")) request.set_rotate_immediately(false);
  auto response = c.secrets().rotate_secret(std::move(request));
  if (c.json()) return print_json(response);
  print_fields({{"ARN", response.arn()},
                {"Name", response.name()},
                {"VersionId", or_dash(response.version_id())}});
}

void cancel_rotation(Context& c) {
  sv1::CancelRotateSecretRequest request;
  request.set_secret_id(c.args().required("secret-id"));
  auto response = c.secrets().cancel_rotate_secret(request);
  if (c.json()) return print_json(response);
  print_fields({{"ARN", response.arn()},
                {"Name", response.name()},
                {"VersionId", or_dash(response.version_id())}});
}

void random_password(Context& c) {
  const Args& a = c.args();
  sv1::GetRandomPasswordRequest request;
  if (auto n = a.get_int("password-length")) request.set_password_length(*n);
  if (auto v = a.get("exclude-characters")) request.set_exclude_characters(*v);
  if (a.has("exclude-numbers")) request.set_exclude_numbers(true);
  if (a.has("exclude-punctuation")) request.set_exclude_punctuation(true);
  if (a.has("exclude-uppercase")) request.set_exclude_uppercase(true);
  if (a.has("exclude-lowercase")) request.set_exclude_lowercase(true);
  if (a.has("include-space")) request.set_include_space(true);
  if (a.has("no-require-each-included-type")) request.set_require_each_included_type(false);
  auto response = c.secrets().get_random_password(request);
  WipeOnExit wipe(response.mutable_random_password());
  if (c.json()) return print_json(response);
  // The bare password on one line, for `$(coffer secrets random-password)`.
  std::printf("%s\n", response.random_password().c_str());
}

}  // namespace

void add_secret_rotation_commands(std::vector<Command>& out) {
  out.push_back(
      {"secrets rotate",
       "Set a secret's rotation schedule and rotate it (now, unless told not to)",
       {secret_id_option(),
        {"rotation-lambda-arn", "ARN", "The rotation function (a built-in rotator's name)"},
        {"automatically-after-days", "DAYS", "Rotate every DAYS days", false, false,
         IntRange{1, 1000}},
        {"schedule-expression", "EXPR", "rate(N days) or cron(...)"},
        {"duration", "WINDOW", "The rotation window, e.g. 3h"},
        {"no-rotate-immediately", "", "Only set the schedule; the next rotation follows it"},
        {"client-request-token", "UUID",
         "The new version's id (32-64 characters; default: a random UUID)"}},
       rotate});
  out.push_back({"secrets cancel-rotation",
                 "Turn a secret's rotation off (an unfinished one stays AWSPENDING)",
                 {secret_id_option()},
                 cancel_rotation});
  out.push_back({"secrets random-password",
                 "Print a random password from the server's token RNG",
                 {{"password-length", "N", "Length (default 32)", false, false, IntRange{1, 4096}},
                  {"exclude-characters", "CHARS", "Characters never to use"},
                  {"exclude-numbers", "", "No digits"},
                  {"exclude-punctuation", "", "No punctuation"},
                  {"exclude-uppercase", "", "No upper-case letters"},
                  {"exclude-lowercase", "", "No lower-case letters"},
                  {"include-space", "", "Allow the space character"},
                  {"no-require-each-included-type", "",
                   "Do not require one character of each included type"}},
                 random_password});
}

}  // namespace coffer::tools::cli
