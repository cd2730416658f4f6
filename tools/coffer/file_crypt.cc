#include "tools/coffer/file_crypt.h"

#include <unistd.h>

#include <mutex>
#include <vector>

#include "common/error.h"
#include "core/envelope/materials.h"
#include "core/envelope/parallel_body.h"

namespace coffer::tools::cli {
namespace {

using namespace core::envelope;

// Segments per unit of work: 2 MiB at the default 64 KiB segment.
constexpr std::size_t kSegmentsPerTask = 32;

// One plaintext and one sealed buffer per worker, reused for the whole file; plaintext
// buffers are SecretBytes, wiped when the file is done.
class Buffers {
 public:
  Buffers(std::size_t count, std::size_t plain, std::size_t sealed) {
    for (std::size_t i = 0; i < count; ++i) {
      sets_.push_back({SecretBytes(plain), core::Bytes(sealed)});
      free_.push_back(i);
    }
  }
  struct Set {
    SecretBytes plain;
    core::Bytes sealed;
  };
  class Lease {
   public:
    explicit Lease(Buffers& b) : b_(b) {
      std::lock_guard lock(b_.mutex_);
      index_ = b_.free_.back();
      b_.free_.pop_back();
    }
    ~Lease() {
      std::lock_guard lock(b_.mutex_);
      b_.free_.push_back(index_);
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Set& operator*() { return b_.sets_[index_]; }

   private:
    Buffers& b_;
    std::size_t index_;
  };

 private:
  std::mutex mutex_;
  std::vector<Set> sets_;
  std::vector<std::size_t> free_;
};

void encrypt_positional(const StreamEncryptor& encryptor, const FileInput& in, FileOutput& out,
                        WorkerPool& pool, Progress& progress) {
  const std::size_t segment = encryptor.segment_size();
  const std::uint64_t size = *in.size;
  const std::uint64_t header = encryptor.header().size();
  out.pwrite(encryptor.header(), 0);
  const std::uint64_t segments = size / segment + 1;  // the last is the short final one
  const std::uint64_t tasks = (segments + kSegmentsPerTask - 1) / kSegmentsPerTask;
  Buffers buffers(pool.threads(), kSegmentsPerTask * segment,
                  kSegmentsPerTask * (segment + kTagSize));
  pool.run(tasks, [&](std::size_t task) {
    Buffers::Lease lease(buffers);
    auto& set = *lease;
    const std::uint64_t first = task * kSegmentsPerTask;
    const std::uint64_t from = first * segment;
    const bool final = task + 1 == tasks;
    const std::size_t bytes = final ? size - from : kSegmentsPerTask * segment;
    auto plain = set.plain.span().first(bytes);
    pread_full(in.fd, plain, from, in.name);
    const std::size_t sealed =
        final ? sealed_body_size(bytes, segment) : kSegmentsPerTask * (segment + kTagSize);
    WorkerPool serial(1);  // this task is already one of the pool's units of work
    seal_segments(encryptor.cipher(), serial, first, plain, final,
                  std::span(set.sealed).first(sealed));
    out.pwrite(std::span(set.sealed).first(sealed), header + first * (segment + kTagSize));
    progress.add(bytes);
  });
}

void encrypt_sequential(const StreamEncryptor& encryptor, const FileInput& in, FileOutput& out,
                        WorkerPool& pool, Progress& progress) {
  const std::size_t segment = encryptor.segment_size();
  const std::size_t batch = pool.threads() * kSegmentsPerTask * segment;
  SecretBytes plain(batch);
  core::Bytes sealed(sealed_body_size(batch, segment));
  out.write(encryptor.header());
  for (std::uint64_t index = 0;;) {
    const std::size_t got = read_full(in.fd, plain.span(), in.name);
    const bool final = got < batch;  // a full batch may still be followed by nothing
    const std::size_t sealed_size =
        final ? sealed_body_size(got, segment) : (got / segment) * (segment + kTagSize);
    seal_segments(encryptor.cipher(), pool, index, plain.span().first(got), final,
                  std::span(sealed).first(sealed_size));
    out.write(std::span(sealed).first(sealed_size));
    progress.add(got);
    if (final) break;
    index += got / segment;
  }
}

// Reads the header, from the front of the input, growing the read until it parses.
struct OpenedHeader {
  HeaderFields fields;
  std::size_t size = 0;
  std::shared_ptr<const SegmentCipher> cipher;
  core::Bytes spill;  // bytes read past the header (sequential input)
};

OpenedHeader open_input_header(DataKeyService& service, const DecryptOptions& options,
                               const FileInput& in) {
  core::Bytes bytes;
  std::optional<ParsedHeader> parsed;
  for (std::size_t want = 4096; !parsed; want *= 2) {
    const std::size_t have = bytes.size();
    const std::size_t target = std::min(want, kMaxHeaderSize);
    bytes.resize(target);
    std::size_t got;
    if (in.size) {
      got = static_cast<std::size_t>(std::min<std::uint64_t>(target, *in.size)) - have;
      pread_full(in.fd, std::span(bytes).subspan(have, got), have, in.name);
    } else {
      got = read_full(in.fd, std::span(bytes).subspan(have), in.name);
    }
    bytes.resize(have + got);
    parsed = parse_header(bytes);
    if (!parsed && (bytes.size() < target || target == kMaxHeaderSize))
      throw Error(ErrorCode::kInvalidCiphertext,
                  "The envelope stream is invalid: truncated header");
  }
  require_context(parsed->fields.context, options.required_context);
  const auto data_key = decrypt_data_key(service, parsed->fields, options.allowed_keys);
  OpenedHeader opened{parsed->fields, parsed->size, open_header(*parsed, data_key), {}};
  opened.spill.assign(bytes.begin() + static_cast<std::ptrdiff_t>(parsed->size), bytes.end());
  return opened;
}

void decrypt_positional(const OpenedHeader& header, const FileInput& in, FileOutput& out,
                        WorkerPool& pool, Progress& progress) {
  const std::size_t segment = header.cipher->segment_size();
  const std::size_t full = segment + kTagSize;
  const std::uint64_t body = *in.size - header.size;
  // The length is checked before any segment is opened: a truncated file writes nothing.
  plaintext_size_of_segments(body, segment, true);
  const std::uint64_t segments = (body + full - 1) / full;
  const std::uint64_t tasks = (segments + kSegmentsPerTask - 1) / kSegmentsPerTask;
  Buffers buffers(pool.threads(), kSegmentsPerTask * segment, kSegmentsPerTask * full);
  pool.run(tasks, [&](std::size_t task) {
    Buffers::Lease lease(buffers);
    auto& set = *lease;
    const std::uint64_t first = task * kSegmentsPerTask;
    const bool final = task + 1 == tasks;
    const std::size_t sealed_size = final ? body - first * full : kSegmentsPerTask * full;
    auto sealed = std::span(set.sealed).first(sealed_size);
    pread_full(in.fd, sealed, header.size + first * full, in.name);
    const std::size_t plain_size = plaintext_size_of_segments(sealed_size, segment, final);
    WorkerPool serial(1);
    open_segments(*header.cipher, serial, first, sealed, final, set.plain.span().first(plain_size));
    out.pwrite(set.plain.span().first(plain_size), first * segment);
    secure_zero(set.plain.data(), plain_size);
    progress.add(sealed_size);
  });
}

void decrypt_sequential(const OpenedHeader& header, const FileInput& in, FileOutput& out,
                        WorkerPool& pool, Progress& progress) {
  const std::size_t segment = header.cipher->segment_size();
  const std::size_t full = segment + kTagSize;
  const std::size_t batch = pool.threads() * kSegmentsPerTask * full;
  core::Bytes sealed(batch);
  SecretBytes plain(pool.threads() * kSegmentsPerTask * segment);
  // Bytes that came with the header start the first batch.
  std::size_t carried = std::min(header.spill.size(), batch);
  std::copy_n(header.spill.begin(), carried, sealed.begin());
  if (header.spill.size() > batch) throw Error(ErrorCode::kInternal, "header read too far");
  progress.add(header.size);
  for (std::uint64_t index = 0;;) {
    const std::size_t got = carried + read_full(in.fd, std::span(sealed).subspan(carried), in.name);
    carried = 0;
    // A full batch holds only full segments, and a full segment is never the last one, so
    // it can be opened before knowing whether more follows.
    const bool final = got < batch;
    const std::size_t plain_size = plaintext_size_of_segments(got, segment, final);
    open_segments(*header.cipher, pool, index, std::span(sealed).first(got), final,
                  plain.span().first(plain_size));
    out.write(plain.span().first(plain_size));
    secure_zero(plain.data(), plain_size);
    progress.add(got);
    if (final) break;
    index += got / full;
  }
}

}  // namespace

void encrypt_file(const StreamEncryptor& encryptor, const FileInput& in, FileOutput& out,
                  WorkerPool& pool, Progress& progress) {
  if (in.size && out.positional())
    encrypt_positional(encryptor, in, out, pool, progress);
  else
    encrypt_sequential(encryptor, in, out, pool, progress);
}

void decrypt_file(DataKeyService& service, const DecryptOptions& options, const FileInput& in,
                  FileOutput& out, WorkerPool& pool, Progress& progress) {
  const auto header = open_input_header(service, options, in);
  if (in.size && out.positional()) {
    progress.add(header.size);
    decrypt_positional(header, in, out, pool, progress);
  } else {
    // A regular input whose header was read with pread: go on after what was read.
    if (in.size &&
        ::lseek(in.fd, static_cast<off_t>(header.size + header.spill.size()), SEEK_SET) < 0)
      throw Error(ErrorCode::kValidation, "cannot seek in " + in.name);
    decrypt_sequential(header, in, out, pool, progress);
  }
}

}  // namespace coffer::tools::cli
