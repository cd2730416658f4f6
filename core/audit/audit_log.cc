#include "core/audit/audit_log.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include "common/error.h"
#include "common/hex.h"
#include "common/log.h"
#include "core/audit/audit_digest.h"
#include "core/audit/audit_file_names.h"
#include "core/audit/audit_record.h"
#include "core/audit/digest_signature.h"
#include "core/audit/log_recovery.h"

namespace coffer::core::audit {
namespace {

// record_line_head() is at most this long: a line is refused before the lock if the event
// could not fit.
constexpr std::size_t kMaxRecordHeadBytes = sizeof(RecordLineHead::bytes);

void validate(const AuditLog::Options& options) {
  if (options.directory.empty())
    throw Error(ErrorCode::kValidation, "audit log: no directory given");
  if (options.max_file_bytes == 0 || options.max_file_age.count() <= 0 ||
      options.digest_interval.count() <= 0 || options.sync_interval.count() <= 0)
    throw Error(ErrorCode::kValidation, "audit log: file limits and intervals must be positive");
  if (!options.signer.sign)
    throw Error(ErrorCode::kValidation, "audit log: the digest signer has no sign function");
  if (!is_supported_signature_algorithm(options.signer.algorithm))
    throw Error(ErrorCode::kValidation,
                "audit log: unsupported digest signature algorithm " + options.signer.algorithm);
}

int lock_directory(const std::filesystem::path& directory) {
  const int fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    throw Error(ErrorCode::kInternal,
                "audit log: cannot open " + directory.string() + ": " + std::strerror(errno));
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    throw Error(ErrorCode::kInternal,
                "audit log: " + directory.string() + " is in use by another audit log");
  }
  return fd;
}

void remove_temporary_files(const std::filesystem::path& directory) {
  for (const auto& item : std::filesystem::directory_iterator(directory)) {
    const std::string name = item.path().filename().string();
    if (name.ends_with(".tmp") && (name.starts_with("digest-") || name.starts_with("audit-")))
      std::filesystem::remove(item.path());
  }
}

}  // namespace

std::unique_ptr<AuditLog> AuditLog::open(Options options) {
  validate(options);
  if (!options.clock) options.clock = [] { return AuditClock::now(); };
  std::unique_ptr<AuditLog> log(new AuditLog(std::move(options)));
  try {
    log->recover();
  } catch (...) {
    log->closed_ = true;  // nothing to digest or sync on the way out
    try {
      throw;
    } catch (const std::filesystem::filesystem_error& e) {
      throw Error(ErrorCode::kInternal, std::string("audit log: ") + e.what());
    }
  }
  log->maintenance_ = std::thread([raw = log.get()] { raw->maintenance_loop(); });
  return log;
}

AuditLog::AuditLog(Options options) : options_(std::move(options)) {
  const auto fingerprint = public_key_fingerprint(options_.signer.public_key_pem);
  if (!fingerprint)
    throw Error(ErrorCode::kValidation, "audit log: the signer's public key is not a PEM key");
  public_key_fingerprint_ = *fingerprint;
}

AuditLog::~AuditLog() {
  try {
    close();
  } catch (const std::exception& e) {
    log_event(LogLevel::kError, "audit_close_failed", {{"error", e.what()}});
  }
  if (directory_lock_fd_ >= 0) ::close(directory_lock_fd_);
}

void AuditLog::recover() {
  const auto& directory = options_.directory;
  if (!std::filesystem::exists(directory)) {
    std::filesystem::create_directories(directory);
    std::filesystem::permissions(directory, std::filesystem::perms::owner_all);
  }
  directory_lock_fd_ = lock_directory(directory);
  remove_temporary_files(directory);
  write_public_key();

  const RecoveredChain chain = recover_chain(directory);
  next_sequence_ = chain.next_sequence;
  head_hash_ = chain.head_hash;
  written_next_ = synced_next_ = next_sequence_;  // what recovery found is what the disk holds

  const auto newest_digest = read_newest_digest(directory);
  if (newest_digest) {
    digests_.next_digest_sequence = newest_digest->digest_sequence + 1;
    digests_.end_time = newest_digest->end_time;
    digests_.next_record_sequence = newest_digest->last_sequence ? *newest_digest->last_sequence + 1
                                                                 : newest_digest->first_sequence;
    digests_.chain_hash = digest_chain_hash(*newest_digest);
    if (digests_.next_record_sequence > next_sequence_)
      throw Error(ErrorCode::kInternal,
                  "audit log: digest " + std::to_string(newest_digest->digest_sequence) +
                      " covers records through " +
                      std::to_string(digests_.next_record_sequence - 1) + " but the log holds " +
                      std::to_string(next_sequence_) +
                      " records: records were removed; run the verifier before writing more");
  } else {
    // The first digest starts with the oldest log file, or now for a new directory.
    digests_.end_time = chain.files.empty() ? whole_seconds(now()) : chain.files.front().created;
  }
  last_cut_time_ = digests_.end_time;

  for (const LogFileName& file : chain.files) files_.push_back({file.name, file.first_sequence});
  // Keep only the file holding the first undigested record and those after it.
  while (files_.size() > 1 && files_[1].first_sequence <= digests_.next_record_sequence)
    files_.erase(files_.begin());

  if (!chain.files.empty()) {
    file_ = AppendFile::open(directory / chain.files.back().name);
    file_created_ = chain.files.back().created;
  }
}

void AuditLog::write_public_key() {
  // Several keys may have signed over the years: each gets its file, named by fingerprint
  // unless it is the first.
  const std::filesystem::path first = options_.directory / kPublicKeyFileName;
  std::string name(kPublicKeyFileName);
  if (std::filesystem::exists(first)) {
    const auto existing = public_key_fingerprint(read_small_file(first, 64 * 1024));
    if (existing == public_key_fingerprint_) return;
    name = "audit-public-key-" + public_key_fingerprint_.substr(0, 16) + ".pem";
    if (std::filesystem::exists(options_.directory / name)) return;
  }
  write_file_atomically(options_.directory, name, options_.signer.public_key_pem);
}

AuditTime AuditLog::now() const { return options_.clock(); }

std::uint64_t AuditLog::next_sequence() const {
  std::lock_guard lock(mutex_);
  return next_sequence_;
}

void AuditLog::check_writable_locked() const {
  if (closed_) throw Error(ErrorCode::kInternal, "audit log: closed");
  if (!broken_.empty()) throw Error(ErrorCode::kInternal, "audit log: unusable: " + broken_);
}

void AuditLog::prepare(const AuditEvent& event, std::string& body) {
  if (event.event_name.empty()) throw Error(ErrorCode::kValidation, "audit event has no name");
  body.clear();
  serialize_event_json(event, body);
  body += "}\n";
  if (kMaxRecordHeadBytes + body.size() - 1 > kMaxRecordLineBytes)
    throw Error(ErrorCode::kValidation, "audit record of " + std::to_string(body.size()) +
                                            " bytes is larger than a record may be");
}

std::uint64_t AuditLog::append(const AuditEvent& event, Durability durability) {
  thread_local PreparedRecords one;
  thread_local std::string body;
  prepare(event, body);
  one.clear();
  one.add(body);
  return append_prepared(one, durability);
}

std::uint64_t AuditLog::append_prepared(const PreparedRecords& records, Durability durability) {
  if (records.empty()) return next_sequence();
  // The lines of one file, written together; the chain advances only once they are.
  thread_local std::string batch;
  batch.clear();
  std::uint64_t first;
  std::uint64_t next;
  {
    std::lock_guard lock(mutex_);
    check_writable_locked();
    const AuditTime time = now();
    first = next_sequence_;
    next = first;
    Sha256Digest hash = head_hash_;
    const auto write_batch = [&] {
      if (batch.empty()) return;
      try {
        file_->append(batch);
      } catch (const Error& e) {
        if (!file_->intact()) broken_ = e.what();
        throw;
      }
      batch.clear();
      head_hash_ = hash;
      next_sequence_ = next;
      written_next_.store(next, std::memory_order_release);
    };
    for (std::size_t i = 0; i < records.size(); ++i) {
      const std::string_view body = records.body(i);
      const std::size_t line_bytes = kMaxRecordHeadBytes + body.size();
      if (!file_ || rotation_due_locked(time, batch.size(), line_bytes)) {
        write_batch();
        rotate_if_needed_locked(time, line_bytes);
      }
      const RecordLineHead head = record_line_head(next, hash);
      line_hash_.update(head.view());
      line_hash_.update(body.substr(0, body.size() - 1));
      hash = line_hash_.finish();  // hashed without the newline
      batch.append(head.view());
      batch.append(body);
      ++next;
    }
    write_batch();
  }
  if (batch.capacity() > (std::size_t{1} << 20)) std::string().swap(batch);  // a large batch
  if (durability == Durability::kDurable) sync_through(next);
  return first;
}

bool AuditLog::rotation_due_locked(AuditTime time, std::size_t unwritten_bytes,
                                   std::size_t line_bytes) const {
  // A file with nothing in it (nor about to be) takes the line whatever its size.
  const std::uint64_t used = file_ ? file_->size() + unwritten_bytes : 0;
  if (used == 0) return false;
  return used + line_bytes > options_.max_file_bytes ||
         time - file_created_ >= options_.max_file_age;
}

void AuditLog::rotate_if_needed_locked(AuditTime time, std::size_t line_bytes) {
  if (rotation_due_locked(time, 0, line_bytes)) {
    push_cut_locked(time);  // every file ends where a digest ends
    unsynced_files_.push_back(std::move(file_));
    file_.reset();
    cuts_waiting_ = true;
    wake_.notify_one();
  }
  if (!file_) open_file_locked(time);
}

void AuditLog::open_file_locked(AuditTime time) {
  const AuditTime created = whole_seconds(time);
  const std::string name = log_file_name(created, next_sequence_);
  auto file = AppendFile::open(options_.directory / name);
  if (file->size() != 0)
    throw Error(ErrorCode::kInternal, "audit log: " + name + " exists and is not empty");
  file_ = std::move(file);
  file_created_ = created;
  directory_dirty_ = true;
  files_.push_back({name, next_sequence_});
}

void AuditLog::push_cut_locked(AuditTime time) {
  last_cut_time_ = whole_seconds(time);
  pending_cuts_.push_back({last_cut_time_, next_sequence_, head_hash_});
}

std::vector<std::string> AuditLog::files_covering_locked(std::uint64_t first,
                                                         std::uint64_t last) const {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < files_.size(); ++i) {
    const bool starts_in_time = files_[i].first_sequence <= last;
    const bool ends_in_time = i + 1 == files_.size() || files_[i + 1].first_sequence > first;
    if (starts_in_time && ends_in_time) names.push_back(files_[i].name);
  }
  return names;
}

void AuditLog::sync() { sync_through(written_next_.load(std::memory_order_acquire)); }

void AuditLog::sync_through(std::uint64_t next_needed) {
  std::lock_guard sync_lock(sync_mutex_);
  if (synced_next_.load() >= next_needed) return;  // a concurrent sync covered it
  std::vector<std::shared_ptr<AppendFile>> files;
  bool directory_dirty;
  std::uint64_t target;
  {
    std::lock_guard lock(mutex_);
    if (!broken_.empty()) throw Error(ErrorCode::kInternal, "audit log: unusable: " + broken_);
    files = std::move(unsynced_files_);
    unsynced_files_.clear();
    if (file_) files.push_back(file_);
    directory_dirty = std::exchange(directory_dirty_, false);
    target = next_sequence_;
  }
  try {
    for (const auto& file : files) file->sync();
    if (directory_dirty) sync_directory(options_.directory);
  } catch (const Error& e) {
    // After a failed fdatasync the kernel may have dropped the dirty pages: nothing written
    // since the last good sync can be trusted to reach the disk.
    std::lock_guard lock(mutex_);
    broken_ = e.what();
    throw;
  }
  synced_next_.store(target);
}

bool AuditLog::write_digest_if_due(AuditTime time) {
  bool made = false;
  {
    std::lock_guard lock(mutex_);
    if (closed_ || !broken_.empty()) return false;  // appends report a broken log
    if (whole_seconds(time) - last_cut_time_ >= options_.digest_interval) {
      push_cut_locked(time);
      made = true;
    }
  }
  write_pending_digests();
  return made;
}

void AuditLog::write_digest() {
  {
    std::lock_guard lock(mutex_);
    if (closed_) throw Error(ErrorCode::kInternal, "audit log: closed");
    push_cut_locked(now());
  }
  write_pending_digests();
}

void AuditLog::write_pending_digests() {
  std::lock_guard digest_lock(digest_mutex_);
  while (true) {
    Cut cut;
    AuditDigest digest;
    {
      std::lock_guard lock(mutex_);
      if (pending_cuts_.empty()) return;
      cut = pending_cuts_.front();
      digest.first_sequence = digests_.next_record_sequence;
      if (cut.next_sequence > digest.first_sequence) {
        digest.last_sequence = cut.next_sequence - 1;
        digest.log_files = files_covering_locked(digest.first_sequence, *digest.last_sequence);
      }
    }
    // A signed claim about records the disk might still lose would accuse the log of
    // tampering after a crash.
    sync_through(cut.next_sequence);

    digest.digest_sequence = digests_.next_digest_sequence;
    digest.start_time = digests_.end_time;
    digest.end_time = cut.end_time;
    digest.head_hash = cut.head_hash;
    digest.previous_digest_hash = digests_.chain_hash;
    digest.signature_algorithm = options_.signer.algorithm;
    digest.public_key_fingerprint = public_key_fingerprint_;
    const std::string signed_bytes = digest_signed_bytes(digest);
    digest.signature = options_.signer.sign(coffer::as_bytes(signed_bytes));
    write_file_atomically(options_.directory,
                          digest_file_name(digest.end_time, digest.digest_sequence),
                          digest_file_text(digest));

    digests_.next_digest_sequence = digest.digest_sequence + 1;
    digests_.end_time = digest.end_time;
    digests_.next_record_sequence = cut.next_sequence;
    digests_.chain_hash = sha256(signed_bytes);
    std::lock_guard lock(mutex_);
    pending_cuts_.pop_front();
    while (files_.size() > 1 && files_[1].first_sequence <= digests_.next_record_sequence)
      files_.erase(files_.begin());
  }
}

void AuditLog::maintenance_loop() {
  std::unique_lock lock(wake_mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, options_.sync_interval, [&] { return stopping_ || cuts_waiting_.load(); });
    if (stopping_) break;
    lock.unlock();
    try {
      if (written_next_.load() > synced_next_.load()) sync();
    } catch (const std::exception& e) {
      log_event(LogLevel::kError, "audit_sync_failed", {{"error", e.what()}});
    }
    if (cuts_waiting_.exchange(false)) {
      try {
        write_pending_digests();
      } catch (const std::exception& e) {
        log_event(LogLevel::kError, "audit_digest_failed", {{"error", e.what()}});
      }
    }
    lock.lock();
  }
}

void AuditLog::stop_maintenance() {
  {
    std::lock_guard lock(wake_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (maintenance_.joinable()) maintenance_.join();
}

void AuditLog::close() {
  stop_maintenance();
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    if (broken_.empty()) push_cut_locked(now());
  }
  std::exception_ptr error;
  try {
    write_pending_digests();
  } catch (...) {
    error = std::current_exception();
  }
  try {
    sync();
  } catch (...) {
    if (!error) error = std::current_exception();
  }
  std::string broken;
  {
    std::lock_guard lock(mutex_);
    file_.reset();
    unsynced_files_.clear();
    broken = broken_;
  }
  if (error) std::rethrow_exception(error);
  if (!broken.empty()) throw Error(ErrorCode::kInternal, "audit log: closed unusable: " + broken);
}

}  // namespace coffer::core::audit
