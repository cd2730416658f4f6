// The data path of encrypt-file and decrypt-file: bounded memory whatever the input size,
// segments sealed and opened on every core.
//
// Regular file to regular file: the segments' places in both files follow from their
// index, so each worker reads its run of segments with pread, seals or opens it, and
// writes it with pwrite: no ordering, no hand-off between threads. Otherwise (pipes,
// stdout): batches are read in order, sealed or opened in parallel, and written in order.
//
// Decryption writes only segments whose tags verified. To a file, it is all or nothing
// (FileOutput renames only on success); to stdout, verified segments go out as they are
// opened, and a truncated or altered stream ends with an error (exit status 1) after them.
#pragma once

#include <optional>

#include "core/envelope/stream_decryptor.h"
#include "core/envelope/stream_encryptor.h"
#include "core/envelope/worker_pool.h"
#include "tools/coffer/file_output.h"
#include "tools/coffer/file_progress.h"

namespace coffer::tools::cli {

struct FileInput {
  int fd = -1;
  std::string name;                   // for messages
  std::optional<std::uint64_t> size;  // set for a regular file read with pread
};

void encrypt_file(const core::envelope::StreamEncryptor& encryptor, const FileInput& in,
                  FileOutput& out, core::envelope::WorkerPool& pool, Progress& progress);

void decrypt_file(core::envelope::DataKeyService& service,
                  const core::envelope::DecryptOptions& options, const FileInput& in,
                  FileOutput& out, core::envelope::WorkerPool& pool, Progress& progress);

}  // namespace coffer::tools::cli
