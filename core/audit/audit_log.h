// The audit trail's writer: a hash chain of records (audit_record.h) in JSON Lines files that
// rotate by size and age, with signed digests (audit_digest.h) at every interval (the owner's
// timer calls write_digest_if_due), at every rotation (cut at the rotating append, signed by
// the log's background thread, so that every file ends where a digest ends) and at close.
//
// Durability. kWritten: the record is in the kernel (one write(2) to an O_APPEND file) when
// append returns, so killing the process loses nothing; a background thread fdatasyncs every
// sync_interval. kDurable (for requests that change state): also on disk, by a group commit
// (one fdatasync covers every record written before it). A failed write or sync throws
// Error(kInternal) so that the caller refuses the request; after a failed sync every later
// append throws too (the kernel may have dropped the pages), until the log is re-opened.
//
// Threads. append may be called from any number of threads. The event is serialized before
// the lock; under it only the sequence, the previous hash, the hash of the line and the
// write(2) happen. Digests are signed outside the lock.
//
// One AuditLog per directory: open() takes an exclusive flock on it.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "core/audit/append_file.h"
#include "core/audit/audit_event.h"
#include "core/audit/audit_time.h"
#include "core/audit/digest_signer.h"
#include "core/audit/prepared_records.h"
#include "core/audit/sha256.h"

namespace coffer::core::audit {

enum class Durability {
  kWritten,  // in the kernel before append returns (reads, Encrypt, Decrypt)
  kDurable,  // on disk before append returns (mutations)
};

class AuditLog {
 public:
  struct Options {
    std::filesystem::path directory;
    std::uint64_t max_file_bytes = std::uint64_t{256} << 20;
    std::chrono::seconds max_file_age = std::chrono::hours(1);
    std::chrono::seconds digest_interval = std::chrono::hours(1);
    DigestSigner signer;
    std::function<AuditTime()> clock;              // std::chrono::system_clock::now when empty
    std::chrono::milliseconds sync_interval{100};  // for kWritten records
  };

  // Creates the directory if needed, recovers where the chain ends (recover_chain) and
  // continues it. Throws Error(kValidation) for bad options, Error(kInternal) when the
  // directory is in use or its chain cannot be continued.
  static std::unique_ptr<AuditLog> open(Options options);
  // close(), with any error logged.
  ~AuditLog();
  AuditLog(const AuditLog&) = delete;
  AuditLog& operator=(const AuditLog&) = delete;

  // Appends one record and returns its sequence. Throws Error(kValidation) for an event
  // without a name or too large to be a record, Error(kInternal) if it was not written.
  std::uint64_t append(const AuditEvent& event, Durability durability);

  // The event as append would write it (its JSON text and "}\n"), into `body`, replacing
  // what it held: made outside any lock, so that a front end can serialize on its worker
  // thread and append a batch at once (append_prepared). Throws Error(kValidation) as append
  // does.
  static void prepare(const AuditEvent& event, std::string& body);
  // Appends records in order, in one write(2) per log file they fall in, and returns the
  // sequence of the first. On a failure the records before the one that failed may have
  // been written; the others were not. Throws Error(kInternal).
  std::uint64_t append_prepared(const PreparedRecords& records, Durability durability);

  // For the owner's timer: writes a digest if digest_interval has passed since the last one
  // (also finishing digests left by rotations). Returns true if it made one. Throws if
  // signing or writing fails; the interval stays pending and the next call tries again.
  bool write_digest_if_due(AuditTime now);
  // Writes a digest now.
  void write_digest();
  // Every record appended so far is on disk when this returns.
  void sync();
  // A last digest, a sync, and the files closed. Later appends throw. Idempotent.
  void close();

  std::uint64_t next_sequence() const;

 private:
  // Where a digest ends: captured under the lock, signed outside it.
  struct Cut {
    AuditTime end_time;
    std::uint64_t next_sequence;
    Sha256Digest head_hash;
  };
  struct FileSpan {
    std::string name;
    std::uint64_t first_sequence;
  };
  // The newest digest written.
  struct DigestChain {
    std::uint64_t next_digest_sequence = 0;
    AuditTime end_time;
    std::uint64_t next_record_sequence = 0;
    Sha256Digest chain_hash = kZeroDigest;
  };

  explicit AuditLog(Options options);
  void recover();
  void write_public_key();

  AuditTime now() const;
  void check_writable_locked() const;
  // Whether a line of line_bytes must go to a new file, with unwritten_bytes of the current
  // batch still to be written to this one.
  bool rotation_due_locked(AuditTime now, std::size_t unwritten_bytes,
                           std::size_t line_bytes) const;
  void rotate_if_needed_locked(AuditTime now, std::size_t line_bytes);
  void open_file_locked(AuditTime now);
  void push_cut_locked(AuditTime now);
  std::vector<std::string> files_covering_locked(std::uint64_t first, std::uint64_t last) const;

  void sync_through(std::uint64_t next_needed);
  void write_pending_digests();
  void maintenance_loop();
  void stop_maintenance();

  const Options options_;
  std::string public_key_fingerprint_;
  int directory_lock_fd_ = -1;

  // The chain and the files; held briefly by every append.
  mutable std::mutex mutex_;
  std::shared_ptr<AppendFile> file_;
  AuditTime file_created_;
  std::uint64_t next_sequence_ = 0;
  Sha256Digest head_hash_ = kZeroDigest;
  Sha256 line_hash_;
  std::vector<std::shared_ptr<AppendFile>> unsynced_files_;  // rotated, not yet fdatasynced
  bool directory_dirty_ = false;                             // a file was created since fsync
  std::deque<Cut> pending_cuts_;
  AuditTime last_cut_time_;
  std::vector<FileSpan> files_;  // from the oldest a pending digest may name
  bool closed_ = false;
  std::string broken_;  // why appends are refused; empty while healthy

  // Group commit: one syncer at a time; the others find their record already on disk.
  std::mutex sync_mutex_;
  std::atomic<std::uint64_t> synced_next_{0};
  std::atomic<std::uint64_t> written_next_{0};

  // Digests are written one at a time, in order.
  std::mutex digest_mutex_;
  DigestChain digests_;

  std::mutex wake_mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::atomic<bool> cuts_waiting_{false};
  std::thread maintenance_;
};

}  // namespace coffer::core::audit
