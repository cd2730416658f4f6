// coffer encrypt-file / decrypt-file: envelope encryption of files and pipes of any size
// (docs/FORMAT.md, "Envelope stream, version 1"). The data key comes from the server (one
// GenerateDataKey, plus one Encrypt per further --key-id, e.g. a key in another region);
// the data itself never leaves this machine and is sealed on every core.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/error.h"
#include "core/envelope/materials.h"
#include "tools/coffer/blob_io.h"
#include "tools/coffer/command_helpers.h"
#include "tools/coffer/file_crypt.h"
#include "tools/coffer/kms_client_data_keys.h"

namespace coffer::tools::cli {
namespace {

namespace env = core::envelope;

// The command's own connection settings, pointed at another endpoint.
std::unique_ptr<client::KmsClient> connect_to(const Args& args, const std::string& endpoint) {
  auto config = client_config(args);
  config.endpoint = endpoint;
  return std::make_unique<client::KmsClient>(std::move(config));
}

KmsClientDataKeys data_keys(Context& c) {
  const Args& args = c.args();
  return KmsClientDataKeys(
      [&c]() -> client::KmsClient& { return c.client(); },
      [&args](const std::string& endpoint) { return connect_to(args, endpoint); });
}

// Closes what it opened.
class InputFile {
 public:
  explicit InputFile(const std::string& path) {
    input_.name = path == "-" ? "stdin" : path;
    if (path == "-") {
      input_.fd = STDIN_FILENO;
      return;
    }
    input_.fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (input_.fd < 0)
      throw Error(ErrorCode::kValidation, "cannot open " + path + ": " + std::strerror(errno));
    owned_ = true;
    struct stat st {};
    if (::fstat(input_.fd, &st) == 0 && S_ISREG(st.st_mode))
      input_.size = static_cast<std::uint64_t>(st.st_size);
    ::posix_fadvise(input_.fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  ~InputFile() {
    if (owned_) ::close(input_.fd);
  }
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;
  const FileInput& get() const { return input_; }

 private:
  FileInput input_;
  bool owned_ = false;
};

std::string output_path(const Args& a) {
  const std::string out = a.get("out").value_or("-");
  if (out == "-" && ::isatty(STDOUT_FILENO))
    throw UsageError("the output is binary: give --out FILE or redirect stdout");
  return out;
}

env::WorkerPool make_pool(const Args& a) {
  return env::WorkerPool(static_cast<std::size_t>(a.get_int("threads").value_or(0)));
}

unsigned segment_shift(const Args& a) {
  const auto bytes = a.get_int("segment-size");
  if (!bytes) return env::kDefaultSegmentShift;
  const auto value = static_cast<std::uint64_t>(*bytes);
  if ((value & (value - 1)) != 0) throw UsageError("--segment-size must be a power of two");
  unsigned shift = 0;
  while ((std::uint64_t{1} << shift) < value) ++shift;
  return shift;
}

void encrypt_file_command(Context& c) {
  const Args& a = c.args();
  const auto keys = a.all("key-id");
  if (keys.size() > env::kMaxEncryptedKeys) throw UsageError("at most 16 --key-id");
  const auto context = parse_pairs(a.all("encryption-context"), "encryption-context");
  const auto shift = segment_shift(a);
  InputFile in(a.get("in").value_or("-"));
  const std::string out_path = output_path(a);
  auto pool = make_pool(a);
  auto service = data_keys(c);
  const auto materials =
      env::make_encryption_materials(service, keys, {context.begin(), context.end()});
  const env::StreamEncryptor encryptor(materials, {shift});
  FileOutput out(out_path);
  Progress progress("encrypt-file", in.get().size, !a.has("no-progress"));
  encrypt_file(encryptor, in.get(), out, pool, progress);
  out.commit(a.has("sync"));
  progress.complete();
}

void decrypt_file_command(Context& c) {
  const Args& a = c.args();
  const auto context = parse_pairs(a.all("encryption-context"), "encryption-context");
  env::DecryptOptions options{a.all("key-id"), {context.begin(), context.end()}};
  InputFile in(a.get("in").value_or("-"));
  const std::string out_path = output_path(a);
  auto pool = make_pool(a);
  auto service = data_keys(c);
  FileOutput out(out_path);
  Progress progress("decrypt-file", in.get().size, !a.has("no-progress"));
  decrypt_file(service, options, in.get(), out, pool, progress);
  out.commit(a.has("sync"));
  progress.complete();
}

std::vector<OptionSpec> common_file_options() {
  return {{"in", "FILE", "Read FILE (default: stdin)"},
          {"out", "FILE",
           "Write FILE, created 0600 and put in place only when complete (default: stdout)"},
          {"threads", "N", "Seal or open segments on N threads (default: one per core)", false,
           false, IntRange{1, 256}},
          {"sync", "", "Flush the output to disk before it is put in place"},
          {"no-progress", "", "No progress line on a terminal"}};
}

}  // namespace

void add_file_commands(std::vector<Command>& out) {
  out.push_back({"encrypt-file",
                 "Encrypt a file or pipe of any size under one or more keys (envelope encryption "
                 "on this machine)",
                 with({{"key-id", "KEY",
                        "Key to encrypt the data key under; repeat for more keys (e.g. one per "
                        "region); KEY@HOST:PORT "
                        "asks that server",
                        true, true},
                       {"encryption-context", "KEY=VALUE",
                        "Bind the file to this context (stored in its header)", false, true},
                       {"segment-size", "BYTES", "Segment size, a power of two (default 65536)",
                        false, false, IntRange{16384, 16 * 1024 * 1024}}},
                      common_file_options()),
                 encrypt_file_command});
  out.push_back(
      {"decrypt-file",
       "Decrypt a file made by encrypt-file; a damaged or truncated input fails and leaves no "
       "output file",
       with({{"key-id", "KEY", "Open only with this key (repeatable; default: any key of the file)",
              false, true},
             {"encryption-context", "KEY=VALUE", "Require this pair in the file's context", false,
              true}},
            common_file_options()),
       decrypt_file_command});
}

}  // namespace coffer::tools::cli
