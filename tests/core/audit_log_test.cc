// The audit log writer: the record lines and their chain, rotation, digests, recovery after a
// stop or a crash, durability, failures, and many threads at once.
#include "core/audit/audit_log.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "common/error.h"
#include "common/hex.h"
#include "core/audit/audit_digest.h"
#include "core/audit/audit_file_names.h"
#include "core/audit/audit_parameters.h"
#include "core/audit/audit_record.h"
#include "core/audit/audit_verify.h"
#include "core/audit/digest_signature.h"
#include "core/audit/openssl_digest_signer.h"
#include "tests/support/error_matchers.h"

namespace coffer::core::audit {
namespace {

namespace fs = std::filesystem;
using coffer::testing::ThrowsError;
using nlohmann::json;
using ::testing::HasSubstr;
using ::testing::SizeIs;
using ::testing::StartsWith;

class TempDirectory {
 public:
  TempDirectory() {
    std::string pattern = (fs::temp_directory_path() / "coffer-audit-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp");
    path_ = pattern;
  }
  ~TempDirectory() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Time under the test's control: 2026-12-03T10:15:00Z, moved by hand.
class ManualClock {
 public:
  AuditTime now() const { return AuditTime{} + std::chrono::seconds(seconds_.load()); }
  void advance(std::chrono::seconds by) { seconds_ += by.count(); }

 private:
  std::atomic<std::int64_t> seconds_{1796292900};
};

AuditEvent sample_event(int i) {
  AuditEvent event;
  event.user_identity = {IdentityType::kIamUser, "AIDA" + std::to_string(i % 3),
                         "arn:aws:iam::111122223333:user/user" + std::to_string(i % 3),
                         "111122223333", "AKIAEXAMPLE"};
  event.event_time = AuditTime{} + std::chrono::seconds(1796292900 + i);
  event.event_name = i % 2 == 0 ? "Encrypt" : "Decrypt";
  event.aws_region = "us-east-1";
  event.source_ip_address = "192.0.2.7";
  event.user_agent = "aws-sdk-cpp/1.11";
  const std::string key_arn =
      "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-4000-8000-00000000000" +
      std::to_string(i % 4);
  event.request_parameters = audit_request_parameters(
      event.event_name, json{{"KeyId", key_arn},
                             {"Plaintext", "AQID"},
                             {"EncryptionContext", {{"n", std::to_string(i)}}}});
  event.request_id = "request-" + std::to_string(i);
  event.read_only = false;
  event.resources = {{"111122223333", ResourceType::kKmsKey, key_arn}};
  event.recipient_account_id = "111122223333";
  return event;
}

std::vector<std::string> read_lines(const fs::path& file) {
  std::ifstream in(file);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::uint64_t> all_sequences(const fs::path& directory) {
  std::vector<std::uint64_t> sequences;
  for (const LogFileName& file : list_log_files(directory))
    for (const std::string& line : read_lines(directory / file.name))
      sequences.push_back(parse_record_line(line).value().sequence);
  return sequences;
}

std::vector<AuditDigest> all_digests(const fs::path& directory) {
  std::vector<AuditDigest> digests;
  for (const DigestFileName& file : list_digest_files(directory))
    digests.push_back(parse_digest(read_text(directory / file.name)).value());
  return digests;
}

class AuditLogTest : public ::testing::Test {
 protected:
  AuditLog::Options options() {
    AuditLog::Options o;
    o.directory = directory_.path() / "audit";
    o.max_file_bytes = 1 << 20;
    o.max_file_age = std::chrono::hours(1);
    o.digest_interval = std::chrono::hours(1);
    o.signer = signer_;
    o.clock = [this] { return clock_.now(); };
    return o;
  }
  fs::path audit_directory() const { return directory_.path() / "audit"; }

  VerifyReport verify() const {
    return verify_audit_directory(audit_directory(), signer_.public_key_pem);
  }

  TempDirectory directory_;
  ManualClock clock_;
  DigestSigner signer_ = openssl_digest_signer(generate_ec_private_key_pem());
};

std::string describe(const VerifyReport& report) {
  std::string text;
  for (const Finding& f : report.findings)
    text += std::string(finding_kind_name(f.kind)) + " " + f.file + ":" +
            std::to_string(f.line.value_or(0)) + " seq " +
            (f.sequence ? std::to_string(*f.sequence) : "-") + ": " + f.message + "\n";
  return text;
}

TEST_F(AuditLogTest, WritesTheDocumentedRecordLines) {
  auto log = AuditLog::open(options());
  std::vector<AuditEvent> events;
  for (int i = 0; i < 3; ++i) {
    events.push_back(sample_event(i));
    EXPECT_EQ(log->append(events.back(), Durability::kWritten), static_cast<std::uint64_t>(i));
  }
  log->close();

  const auto files = list_log_files(audit_directory());
  ASSERT_THAT(files, SizeIs(1));
  EXPECT_EQ(files[0].name, "audit-20261203T101500Z-00000000000000000000.jsonl");
  const auto lines = read_lines(audit_directory() / files[0].name);
  ASSERT_THAT(lines, SizeIs(3));
  EXPECT_THAT(lines[0], StartsWith(R"({"sequence":0,"previousHash":")" + std::string(64, '0') +
                                   R"(","event":{"eventVersion":"1.08",)"));
  for (std::size_t i = 0; i < lines.size(); ++i) {
    const auto record = parse_record_line(lines[i]);
    ASSERT_TRUE(record);
    EXPECT_EQ(record->sequence, i);
    EXPECT_EQ(record->event, to_json(events[i]));
    EXPECT_EQ(lines[i],
              format_record_line(i, record->previous_hash, serialize_event_json(events[i])));
    if (i > 0) {
      EXPECT_EQ(record->previous_hash, sha256(lines[i - 1]));
    }
  }
  EXPECT_EQ(read_text(audit_directory() / files[0].name).back(), '\n');
  const VerifyReport report = verify();
  EXPECT_TRUE(report.findings.empty()) << describe(report);
  EXPECT_EQ(report.summary.records_checked, 3u);
}

TEST_F(AuditLogTest, WritesThePublicKeyOnce) {
  AuditLog::open(options())->close();
  const fs::path key_file = audit_directory() / "audit-public-key.pem";
  EXPECT_EQ(read_text(key_file), signer_.public_key_pem);
  EXPECT_EQ(fs::status(audit_directory()).permissions() & fs::perms::all, fs::perms::owner_all);
}

TEST_F(AuditLogTest, RotatesBySizeAndEveryFileStartsWhereItsNameSays) {
  auto o = options();
  o.max_file_bytes = 3000;
  auto log = AuditLog::open(o);
  for (int i = 0; i < 30; ++i) log->append(sample_event(i), Durability::kWritten);
  log->close();

  const auto files = list_log_files(audit_directory());
  EXPECT_GT(files.size(), 5u);
  for (const LogFileName& file : files) {
    EXPECT_LE(fs::file_size(audit_directory() / file.name), 3000u);
    const auto lines = read_lines(audit_directory() / file.name);
    ASSERT_FALSE(lines.empty());
    EXPECT_EQ(parse_record_line(lines[0])->sequence, file.first_sequence);
  }
  EXPECT_EQ(all_sequences(audit_directory()).size(), 30u);
  const VerifyReport report = verify();
  EXPECT_TRUE(report.findings.empty()) << describe(report);
}

// The rpc server writes the records of answers that leave together in one append_prepared:
// a batch may cross a rotation, and the chain, the files and the digests are as if the
// records had been appended one by one.
TEST_F(AuditLogTest, PreparedBatchesCrossRotationsInOneChain) {
  auto o = options();
  o.max_file_bytes = 3000;
  auto log = AuditLog::open(o);
  std::vector<AuditEvent> events;
  std::uint64_t next = 0;
  for (int batch = 0; batch < 5; ++batch) {
    PreparedRecords records;
    std::string body;
    for (int i = 0; i < 7; ++i) {
      events.push_back(sample_event(static_cast<int>(events.size())));
      AuditLog::prepare(events.back(), body);
      records.add(body);
    }
    EXPECT_EQ(log->append_prepared(records, Durability::kWritten), next);
    next += records.size();
    events.push_back(sample_event(static_cast<int>(events.size())));
    EXPECT_EQ(log->append(events.back(), Durability::kDurable), next++);
  }
  EXPECT_EQ(log->append_prepared(PreparedRecords{}, Durability::kWritten), next);  // nothing
  log->close();

  const auto files = list_log_files(audit_directory());
  EXPECT_GT(files.size(), 5u);
  std::size_t record = 0;
  for (const LogFileName& file : files) {
    EXPECT_LE(fs::file_size(audit_directory() / file.name), 3000u);
    for (const std::string& line : read_lines(audit_directory() / file.name)) {
      ASSERT_LT(record, events.size());
      EXPECT_EQ(parse_record_line(line)->event, to_json(events[record++]));
    }
  }
  EXPECT_EQ(record, events.size());
  const VerifyReport report = verify();
  EXPECT_TRUE(report.findings.empty()) << describe(report);
  EXPECT_EQ(report.summary.records_checked, events.size());
}

TEST_F(AuditLogTest, RotatesByAge) {
  auto o = options();
  o.max_file_age = std::chrono::minutes(1);
  auto log = AuditLog::open(o);
  for (int i = 0; i < 10; ++i) {
    log->append(sample_event(i), Durability::kWritten);
    clock_.advance(std::chrono::seconds(25));
  }
  log->close();
  const auto files = list_log_files(audit_directory());
  ASSERT_THAT(files, SizeIs(4));  // appends at 0,25,50 | 75,100,125 | 150,175,200 | 225
  EXPECT_EQ(files[1].name, "audit-20261203T101615Z-00000000000000000003.jsonl");
  EXPECT_TRUE(verify().findings.empty()) << describe(verify());
}

TEST_F(AuditLogTest, DigestsChainAndCoverEveryRecord) {
  auto o = options();
  o.max_file_bytes = 4000;
  auto log = AuditLog::open(o);
  for (int i = 0; i < 40; ++i) {
    log->append(sample_event(i), Durability::kWritten);
    clock_.advance(std::chrono::seconds(1));
  }
  log->close();

  const auto digests = all_digests(audit_directory());
  const auto files = list_log_files(audit_directory());
  ASSERT_GE(digests.size(), files.size());  // one per rotation, one at close
  std::uint64_t next_record = 0;
  Sha256Digest previous_hash = kZeroDigest;
  std::set<std::string> listed;
  for (std::size_t i = 0; i < digests.size(); ++i) {
    const AuditDigest& d = digests[i];
    EXPECT_EQ(d.digest_sequence, i);
    EXPECT_EQ(d.first_sequence, next_record);
    EXPECT_EQ(d.previous_digest_hash, previous_hash);
    if (i > 0) {
      EXPECT_EQ(d.start_time, digests[i - 1].end_time);
    }
    EXPECT_EQ(d.signature_algorithm, "ECDSA_SHA_256");
    EXPECT_EQ(d.public_key_fingerprint, public_key_fingerprint(signer_.public_key_pem));
    EXPECT_TRUE(verify_signature(signer_.public_key_pem, d.signature_algorithm,
                                 as_bytes(digest_signed_bytes(d)), d.signature));
    if (d.last_sequence) next_record = *d.last_sequence + 1;
    previous_hash = digest_chain_hash(d);
    listed.insert(d.log_files.begin(), d.log_files.end());
  }
  EXPECT_EQ(next_record, 40u);
  EXPECT_EQ(listed.size(), files.size());
  // Each rotated file ends exactly where a digest ends.
  for (std::size_t i = 1; i < files.size(); ++i) {
    const bool ends_a_digest = std::any_of(
        digests.begin(), digests.end(),
        [&](const AuditDigest& d) { return d.last_sequence == files[i].first_sequence - 1; });
    EXPECT_TRUE(ends_a_digest) << files[i].name;
  }
  // The file is the canonical form: re-serializing the parsed digest gives the same bytes.
  for (const DigestFileName& file : list_digest_files(audit_directory())) {
    const std::string text = read_text(audit_directory() / file.name);
    EXPECT_EQ(digest_file_text(parse_digest(text).value()), text);
  }
}

TEST_F(AuditLogTest, WritesADigestWhenDueEvenForAnEmptyInterval) {
  auto o = options();
  o.digest_interval = std::chrono::minutes(5);
  auto log = AuditLog::open(o);
  log->append(sample_event(0), Durability::kWritten);
  clock_.advance(std::chrono::minutes(4));
  EXPECT_FALSE(log->write_digest_if_due(clock_.now()));
  clock_.advance(std::chrono::minutes(1));
  EXPECT_TRUE(log->write_digest_if_due(clock_.now()));
  clock_.advance(std::chrono::minutes(5));
  EXPECT_TRUE(log->write_digest_if_due(clock_.now()));  // nothing appended meanwhile
  const auto digests = all_digests(audit_directory());
  ASSERT_THAT(digests, SizeIs(2));
  EXPECT_EQ(digests[0].first_sequence, 0u);
  EXPECT_EQ(digests[0].last_sequence, 0u);
  EXPECT_EQ(format_iso8601(digests[0].start_time), "2026-12-03T10:15:00Z");
  EXPECT_EQ(format_iso8601(digests[0].end_time), "2026-12-03T10:20:00Z");
  EXPECT_EQ(digests[1].first_sequence, 1u);
  EXPECT_FALSE(digests[1].last_sequence);
  EXPECT_TRUE(digests[1].log_files.empty());
  EXPECT_EQ(digests[1].head_hash, digests[0].head_hash);
  EXPECT_EQ(format_iso8601(digests[1].end_time), "2026-12-03T10:25:00Z");
  log->close();
  EXPECT_TRUE(verify().findings.empty()) << describe(verify());
}

TEST_F(AuditLogTest, ReopenContinuesTheChain) {
  auto log = AuditLog::open(options());
  for (int i = 0; i < 5; ++i) log->append(sample_event(i), Durability::kWritten);
  log.reset();  // the destructor closes
  clock_.advance(std::chrono::minutes(10));
  log = AuditLog::open(options());
  EXPECT_EQ(log->next_sequence(), 5u);
  for (int i = 5; i < 10; ++i)
    EXPECT_EQ(log->append(sample_event(i), Durability::kWritten), static_cast<std::uint64_t>(i));
  log->close();
  EXPECT_EQ(all_sequences(audit_directory()),
            (std::vector<std::uint64_t>{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}));
  const VerifyReport report = verify();
  EXPECT_TRUE(report.findings.empty()) << describe(report);
  EXPECT_THAT(all_digests(audit_directory()), SizeIs(2));
}

TEST_F(AuditLogTest, RecoveryCutsATornLineAndContinuesTheChain) {
  auto log = AuditLog::open(options());
  for (int i = 0; i < 5; ++i) log->append(sample_event(i), Durability::kWritten);
  log.reset();
  // A crash in the middle of a write(2): part of a line, never acknowledged.
  const fs::path file = audit_directory() / list_log_files(audit_directory()).back().name;
  const auto size_before = fs::file_size(file);
  std::ofstream(file, std::ios::app) << R"({"sequence":5,"previousHash":"00ab)";
  EXPECT_EQ(verify_audit_directory(audit_directory(), signer_.public_key_pem).findings[0].kind,
            FindingKind::kTornLine);

  log = AuditLog::open(options());
  EXPECT_EQ(fs::file_size(file), size_before);
  EXPECT_EQ(log->append(sample_event(5), Durability::kWritten), 5u);
  EXPECT_EQ(log->append(sample_event(6), Durability::kWritten), 6u);
  log->close();
  const VerifyReport report = verify();
  EXPECT_TRUE(report.findings.empty()) << describe(report);
  EXPECT_EQ(report.summary.records_checked, 7u);
}

TEST_F(AuditLogTest, RecoveryRemovesANewFileThatHoldsOnlyATornLine) {
  auto o = options();
  auto log = AuditLog::open(o);
  for (int i = 0; i < 3; ++i) log->append(sample_event(i), Durability::kWritten);
  log.reset();
  const fs::path torn = audit_directory() / log_file_name(clock_.now(), 3);
  std::ofstream(torn) << R"({"sequence":3,"prev)";
  log = AuditLog::open(o);
  EXPECT_FALSE(fs::exists(torn));
  EXPECT_EQ(log->append(sample_event(3), Durability::kWritten), 3u);
  log->close();
  EXPECT_TRUE(verify().findings.empty()) << describe(verify());
}

TEST_F(AuditLogTest, RecoveryRefusesALastLineThatIsNotARecord) {
  auto log = AuditLog::open(options());
  log->append(sample_event(0), Durability::kWritten);
  log.reset();
  const fs::path file = audit_directory() / list_log_files(audit_directory()).back().name;
  std::ofstream(file, std::ios::app) << "not a record\n";
  EXPECT_THAT([&] { AuditLog::open(options()); },
              ThrowsError(ErrorCode::kInternal, HasSubstr("is not an audit record")));
}

TEST_F(AuditLogTest, RecoveryRefusesALogShorterThanItsDigests) {
  auto log = AuditLog::open(options());
  for (int i = 0; i < 3; ++i) log->append(sample_event(i), Durability::kWritten);
  log.reset();
  const fs::path file = audit_directory() / list_log_files(audit_directory()).back().name;
  const auto lines = read_lines(file);
  std::ofstream(file, std::ios::trunc) << lines[0] << "\n";
  EXPECT_THAT([&] { AuditLog::open(options()); },
              ThrowsError(ErrorCode::kInternal, HasSubstr("records were removed")));
}

TEST_F(AuditLogTest, DurableAppendIsOnDiskWhenItReturns) {
  auto log = AuditLog::open(options());
  EXPECT_EQ(log->append(sample_event(0), Durability::kDurable), 0u);
  EXPECT_EQ(log->append(sample_event(1), Durability::kWritten), 1u);
  EXPECT_EQ(log->append(sample_event(2), Durability::kDurable), 2u);
  // Visible to another reader at once (the kernel has it; fdatasync has run for 0..2).
  EXPECT_EQ(all_sequences(audit_directory()), (std::vector<std::uint64_t>{0, 1, 2}));
  log->sync();
  log->close();
}

TEST_F(AuditLogTest, ManyThreadsAppendOneUnbrokenChain) {
  auto o = options();
  o.max_file_bytes = 64 * 1024;  // rotations happen while the threads append
  o.sync_interval = std::chrono::milliseconds(5);
  auto log = AuditLog::open(o);
  constexpr int kThreads = 8;
  constexpr int kPerThread = 500;
  std::vector<std::thread> threads;
  std::vector<std::vector<std::uint64_t>> returned(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        const auto durability = i % 50 == 0 ? Durability::kDurable : Durability::kWritten;
        returned[t].push_back(log->append(sample_event(t * kPerThread + i), durability));
      }
    });
  }
  for (auto& thread : threads) thread.join();
  log->close();

  std::vector<std::uint64_t> expected(kThreads * kPerThread);
  for (std::size_t i = 0; i < expected.size(); ++i) expected[i] = i;
  EXPECT_EQ(all_sequences(audit_directory()), expected);
  std::set<std::uint64_t> all;
  for (const auto& ids : returned) all.insert(ids.begin(), ids.end());
  EXPECT_EQ(all.size(), expected.size());
  EXPECT_GT(list_log_files(audit_directory()).size(), 10u);
  const VerifyReport report = verify();
  EXPECT_TRUE(report.findings.empty()) << describe(report);
  EXPECT_EQ(report.summary.records_checked, expected.size());
}

TEST_F(AuditLogTest, AFailedWriteThrowsAndRefusesLaterAppends) {
  fs::create_directories(audit_directory());
  // The file the first append will create is the full device: every write fails (ENOSPC).
  fs::create_symlink("/dev/full", audit_directory() / log_file_name(clock_.now(), 0));
  auto log = AuditLog::open(options());
  EXPECT_THAT([&] { log->append(sample_event(0), Durability::kWritten); },
              ThrowsError(ErrorCode::kInternal, HasSubstr("No space left on device")));
  EXPECT_THAT([&] { log->append(sample_event(1), Durability::kWritten); },
              ThrowsError(ErrorCode::kInternal));
  EXPECT_EQ(log->next_sequence(), 0u);
  EXPECT_THROW(log->close(), Error);
}

TEST_F(AuditLogTest, RefusesASecondWriterOnTheDirectory) {
  auto log = AuditLog::open(options());
  EXPECT_THAT([&] { AuditLog::open(options()); },
              ThrowsError(ErrorCode::kInternal, HasSubstr("in use")));
}

TEST_F(AuditLogTest, RefusesBadEventsAndBadOptions) {
  auto log = AuditLog::open(options());
  AuditEvent unnamed = sample_event(0);
  unnamed.event_name.clear();
  EXPECT_THAT([&] { log->append(unnamed, Durability::kWritten); },
              ThrowsError(ErrorCode::kValidation));
  AuditEvent huge = sample_event(0);
  huge.user_agent = std::string(kMaxRecordLineBytes, 'a');
  EXPECT_THAT([&] { log->append(huge, Durability::kWritten); },
              ThrowsError(ErrorCode::kValidation, HasSubstr("larger than a record")));
  EXPECT_EQ(log->next_sequence(), 0u);
  log->close();
  EXPECT_THAT([&] { log->append(sample_event(0), Durability::kWritten); },
              ThrowsError(ErrorCode::kInternal, HasSubstr("closed")));

  auto no_signer = options();
  no_signer.signer.sign = nullptr;
  EXPECT_THAT([&] { AuditLog::open(no_signer); }, ThrowsError(ErrorCode::kValidation));
  auto bad_key = options();
  bad_key.signer.public_key_pem = "not a key";
  EXPECT_THAT([&] { AuditLog::open(bad_key); }, ThrowsError(ErrorCode::kValidation));
}

TEST_F(AuditLogTest, ANewSigningKeyIsStoredBesideTheOld) {
  AuditLog::open(options())->append(sample_event(0), Durability::kWritten);
  const DigestSigner old_signer = signer_;
  signer_ = openssl_digest_signer(generate_ec_private_key_pem());
  AuditLog::open(options())->append(sample_event(1), Durability::kWritten);

  EXPECT_EQ(read_text(audit_directory() / "audit-public-key.pem"), old_signer.public_key_pem);
  const VerifyReport report = verify_audit_directory(audit_directory(), std::nullopt);
  EXPECT_TRUE(report.ok()) << describe(report);
  ASSERT_THAT(report.findings, SizeIs(1));
  EXPECT_EQ(report.findings[0].kind, FindingKind::kUntrustedKey);
  // Trusting only the new key, the old digest does not verify.
  const VerifyReport pinned = verify();
  ASSERT_FALSE(pinned.ok());
  EXPECT_EQ(pinned.findings[0].kind, FindingKind::kBadSignature);
}

}  // namespace
}  // namespace coffer::core::audit
