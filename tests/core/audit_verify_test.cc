// The verifier against a trail of 50 records in rotated files with digests, untouched and
// then tampered with in every way the audit trail promises to show: each tamper must be
// named by its kind, and by the file and sequence it touched.
#include "core/audit/audit_verify.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <stdlib.h>

#include <fstream>
#include <functional>
#include <random>
#include <sstream>

#include "common/error.h"
#include "common/hex.h"
#include "core/audit/audit_digest.h"
#include "core/audit/audit_file_names.h"
#include "core/audit/audit_log.h"
#include "core/audit/audit_record.h"
#include "core/audit/digest_signature.h"
#include "core/audit/openssl_digest_signer.h"
#include "tests/support/error_matchers.h"

namespace coffer::core::audit {
namespace {

namespace fs = std::filesystem;
using coffer::testing::ThrowsError;
using ::testing::SizeIs;

// Test scaffolding (the log's tests have the same): a directory removed afterwards, a fresh
// P-256 key, and events.
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

AuditEvent sample_event(int i, AuditTime time) {
  AuditEvent event;
  event.user_identity = {IdentityType::kIamUser, "AIDAEXAMPLE",
                         "arn:aws:iam::111122223333:user/Alice", "111122223333", "AKIAEXAMPLE"};
  event.event_time = time;
  event.event_name = i % 2 == 0 ? "Encrypt" : "Decrypt";
  event.aws_region = "us-east-1";
  event.source_ip_address = "192.0.2.7";
  event.user_agent = "aws-sdk-cpp/1.11";
  event.request_parameters = {{"keyId", "k" + std::to_string(i)}};
  event.request_id = "request-" + std::to_string(i);
  event.recipient_account_id = "111122223333";
  return event;
}

std::vector<std::string> read_lines(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

void write_lines(const fs::path& file, const std::vector<std::string>& lines) {
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  for (const std::string& line : lines) out << line << '\n';
}

std::string read_text(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void write_text(const fs::path& file, const std::string& text) {
  std::ofstream(file, std::ios::binary | std::ios::trunc) << text;
}

std::uint64_t sequence_of(const std::string& line) {
  return parse_record_line(line).value().sequence;
}

std::string describe(const VerifyReport& report) {
  std::string text;
  for (const Finding& f : report.findings)
    text += std::string(finding_kind_name(f.kind)) + " " + f.file + ":" +
            std::to_string(f.line.value_or(0)) + " seq " +
            (f.sequence ? std::to_string(*f.sequence) : "-") + ": " + f.message + "\n";
  return text;
}

std::vector<Finding> errors_of(const VerifyReport& report) {
  std::vector<Finding> errors;
  for (const Finding& f : report.findings)
    if (f.severity == Severity::kError) errors.push_back(f);
  return errors;
}

constexpr int kRecords = 50;

class AuditVerifyTest : public ::testing::Test {
 protected:
  void SetUp() override { write_trail(kRecords); }

  // 50 records, a second apart, in files of at most 5000 bytes (a rotation, and a digest,
  // every few records), with a timer digest every 3 seconds and a last one at close.
  void write_trail(int records) {
    AuditLog::Options options;
    options.directory = dir();
    options.max_file_bytes = 5000;
    options.digest_interval = std::chrono::seconds(3);
    options.signer = signer_;
    options.clock = [this] { return now_; };
    auto log = AuditLog::open(options);
    for (int i = 0; i < records; ++i) {
      log->append(sample_event(i, now_), Durability::kWritten);
      now_ += std::chrono::seconds(1);
      log->write_digest_if_due(now_);
    }
    log->close();
    files_ = list_log_files(dir());
    digests_ = list_digest_files(dir());
  }

  fs::path dir() const { return directory_.path() / "trail"; }
  fs::path log_path(std::size_t i) const { return dir() / files_.at(i).name; }
  fs::path digest_path(std::size_t i) const { return dir() / digests_.at(i).name; }
  VerifyReport verify() const { return verify_audit_directory(dir(), signer_.public_key_pem); }

  // The one error a tamper must cause, with its kind, file and sequence.
  void expect_single_error(FindingKind kind, const std::string& file,
                           std::optional<std::uint64_t> sequence,
                           std::optional<std::uint64_t> line = std::nullopt) {
    const VerifyReport report = verify();
    EXPECT_FALSE(report.ok());
    const auto errors = errors_of(report);
    ASSERT_THAT(errors, SizeIs(1)) << describe(report);
    EXPECT_EQ(errors[0].kind, kind) << describe(report);
    EXPECT_EQ(errors[0].file, file) << describe(report);
    if (sequence) {
      EXPECT_EQ(errors[0].sequence, sequence) << describe(report);
    }
    if (line) {
      EXPECT_EQ(errors[0].line, line) << describe(report);
    }
  }

  TempDirectory directory_;
  DigestSigner signer_ = openssl_digest_signer(generate_ec_private_key_pem());
  AuditTime now_ = AuditTime{} + std::chrono::seconds(1796292900);  // 2026-12-03T10:15:00Z
  std::vector<LogFileName> files_;
  std::vector<DigestFileName> digests_;
};

TEST_F(AuditVerifyTest, TheTrailHasSeveralFilesAndDigests) {
  EXPECT_GE(files_.size(), 6u);
  EXPECT_GT(digests_.size(), 2 * files_.size());  // timer digests fall inside files too
}

TEST_F(AuditVerifyTest, AnUntouchedTrailVerifiesClean) {
  const VerifyReport report = verify();
  EXPECT_TRUE(report.ok());
  EXPECT_TRUE(report.findings.empty()) << describe(report);
  EXPECT_EQ(report.summary.records_checked, static_cast<std::uint64_t>(kRecords));
  EXPECT_EQ(report.summary.log_files, files_.size());
  EXPECT_EQ(report.summary.digests, digests_.size());
  EXPECT_EQ(report.summary.first_sequence, 0u);
  EXPECT_EQ(report.summary.last_sequence, static_cast<std::uint64_t>(kRecords - 1));
  EXPECT_EQ(report.summary.first_event_time, "2026-12-03T10:15:00Z");
  EXPECT_EQ(report.summary.last_event_time, "2026-12-03T10:15:49Z");
}

TEST_F(AuditVerifyTest, WithoutATrustedKeyItSaysTheKeyIsTheDirectorysOwn) {
  const VerifyReport report = verify_audit_directory(dir(), std::nullopt);
  EXPECT_TRUE(report.ok()) << describe(report);
  ASSERT_THAT(report.findings, SizeIs(1));
  EXPECT_EQ(report.findings[0].kind, FindingKind::kUntrustedKey);
  EXPECT_EQ(report.findings[0].severity, Severity::kWarning);
}

TEST_F(AuditVerifyTest, FlippedByteInsideAnEventIsAnAlteredRecord) {
  auto lines = read_lines(log_path(3));
  const std::size_t at = lines[1].find("aws-sdk-cpp");
  ASSERT_NE(at, std::string::npos);
  lines[1][at] ^= 0x01;  // still valid JSON: "`ws-sdk-cpp"
  ASSERT_TRUE(parse_record_line(lines[1]));
  write_lines(log_path(3), lines);
  expect_single_error(FindingKind::kAlteredRecord, files_[3].name, files_[3].first_sequence + 1, 2);
}

TEST_F(AuditVerifyTest, FlippedByteThatBreaksTheJsonIsAnAlteredRecord) {
  auto lines = read_lines(log_path(2));
  const std::size_t at = lines[1].find("\"event\":{");
  lines[1][at + 8] = '[';
  ASSERT_FALSE(parse_record_line(lines[1]));
  write_lines(log_path(2), lines);
  expect_single_error(FindingKind::kAlteredRecord, files_[2].name, files_[2].first_sequence + 1, 2);
}

TEST_F(AuditVerifyTest, AlteredLastRecordOfTheTrailIsCaughtByTheLastDigest) {
  auto lines = read_lines(log_path(files_.size() - 1));
  lines.back()[lines.back().find("Alice")] = 'M';
  write_lines(log_path(files_.size() - 1), lines);
  expect_single_error(FindingKind::kAlteredRecord, files_.back().name, kRecords - 1);
}

TEST_F(AuditVerifyTest, DeletedLineIsRemovedRecords) {
  auto lines = read_lines(log_path(3));
  const std::uint64_t removed = sequence_of(lines[2]);
  lines.erase(lines.begin() + 2);
  write_lines(log_path(3), lines);
  expect_single_error(FindingKind::kRemovedRecords, files_[3].name, removed, 3);
}

TEST_F(AuditVerifyTest, InsertedCopyOfALineIsAnInsertedRecord) {
  const std::string copied = read_lines(log_path(1))[0];
  auto lines = read_lines(log_path(4));
  lines.insert(lines.begin() + 2, copied);
  write_lines(log_path(4), lines);
  expect_single_error(FindingKind::kInsertedRecord, files_[4].name, sequence_of(copied), 3);
}

TEST_F(AuditVerifyTest, InsertedLineThatIsNoRecordIsAnInsertedRecord) {
  auto lines = read_lines(log_path(2));
  lines.insert(lines.begin() + 1, R"({"note":"nothing to see"})");
  write_lines(log_path(2), lines);
  expect_single_error(FindingKind::kInsertedRecord, files_[2].name, std::nullopt, 2);
}

TEST_F(AuditVerifyTest, SwappedLinesAreReorderedRecords) {
  auto lines = read_lines(log_path(2));
  const std::uint64_t first = sequence_of(lines[1]);
  std::swap(lines[1], lines[2]);
  write_lines(log_path(2), lines);
  expect_single_error(FindingKind::kReorderedRecord, files_[2].name, first, 3);
}

TEST_F(AuditVerifyTest, DeletedLogFileIsNamed) {
  fs::remove(log_path(3));
  expect_single_error(FindingKind::kRemovedLogFile, files_[3].name, files_[3].first_sequence);
}

TEST_F(AuditVerifyTest, DeletedNewestLogFileIsNamed) {
  fs::remove(log_path(files_.size() - 1));
  expect_single_error(FindingKind::kRemovedLogFile, files_.back().name,
                      files_.back().first_sequence);
}

TEST_F(AuditVerifyTest, DeletedFirstLogFileIsNamed) {
  fs::remove(log_path(0));
  expect_single_error(FindingKind::kRemovedLogFile, files_[0].name, 0);
}

TEST_F(AuditVerifyTest, LogFileCutInsideALineIsTruncated) {
  const std::string text = read_text(log_path(2));
  write_text(log_path(2), text.substr(0, text.size() - 100));
  const VerifyReport report = verify();
  const auto errors = errors_of(report);
  ASSERT_FALSE(errors.empty()) << describe(report);
  for (const Finding& f : errors) {
    EXPECT_EQ(f.kind, FindingKind::kTruncatedLogFile) << describe(report);
    EXPECT_EQ(f.file, files_[2].name) << describe(report);
  }
}

TEST_F(AuditVerifyTest, NewestLogFileMissingItsLastLineIsTruncated) {
  auto lines = read_lines(log_path(files_.size() - 1));
  lines.pop_back();
  write_lines(log_path(files_.size() - 1), lines);
  expect_single_error(FindingKind::kTruncatedLogFile, files_.back().name, kRecords - 1);
}

TEST_F(AuditVerifyTest, DeletedDigestIsAMissingInterval) {
  fs::remove(digest_path(3));
  expect_single_error(FindingKind::kMissingInterval, digests_[4].name, std::nullopt);
}

TEST_F(AuditVerifyTest, DeletedFirstDigestIsAMissingInterval) {
  fs::remove(digest_path(0));
  expect_single_error(FindingKind::kMissingInterval, digests_[1].name, std::nullopt);
}

TEST_F(AuditVerifyTest, ChangedHeadHashBreaksTheDigestSignature) {
  AuditDigest digest = parse_digest(read_text(digest_path(2))).value();
  digest.head_hash[0] ^= 0x01;  // and nothing re-signed
  write_text(digest_path(2), digest_file_text(digest));
  expect_single_error(FindingKind::kBadSignature, digests_[2].name, std::nullopt);
}

TEST_F(AuditVerifyTest, DigestReSignedByAnotherKeyIsNotTrusted) {
  const DigestSigner forger = openssl_digest_signer(generate_ec_private_key_pem());
  AuditDigest digest = parse_digest(read_text(digest_path(2))).value();
  digest.public_key_fingerprint = public_key_fingerprint(forger.public_key_pem).value();
  digest.signature = forger.sign(coffer::as_bytes(digest_signed_bytes(digest)));
  write_text(digest_path(2), digest_file_text(digest));
  expect_single_error(FindingKind::kBadSignature, digests_[2].name, std::nullopt);
}

TEST_F(AuditVerifyTest, DigestThatDoesNotParseIsABadDigest) {
  write_text(digest_path(1), "{\"digestVersion\":1}\n");
  expect_single_error(FindingKind::kBadDigest, digests_[1].name, std::nullopt);
}

TEST_F(AuditVerifyTest, TornLastLineIsOnlyAWarning) {
  std::ofstream(log_path(files_.size() - 1), std::ios::app) << R"({"sequence":50,"prev)";
  const VerifyReport report = verify();
  EXPECT_TRUE(report.ok()) << describe(report);
  ASSERT_THAT(report.findings, SizeIs(1));
  EXPECT_EQ(report.findings[0].kind, FindingKind::kTornLine);
  EXPECT_EQ(report.findings[0].file, files_.back().name);
}

TEST(AuditVerifyTailTest, RecordsAfterTheLastDigestAreAnUnsignedTail) {
  TempDirectory directory;
  const DigestSigner signer = openssl_digest_signer(generate_ec_private_key_pem());
  AuditLog::Options options;
  options.directory = directory.path();
  options.signer = signer;
  auto log = AuditLog::open(options);
  for (int i = 0; i < 5; ++i) log->append(sample_event(i, AuditClock::now()), Durability::kWritten);

  VerifyReport report = verify_audit_directory(directory.path(), signer.public_key_pem);
  EXPECT_TRUE(report.ok()) << describe(report);
  ASSERT_THAT(report.findings, SizeIs(1)) << describe(report);
  EXPECT_EQ(report.findings[0].kind, FindingKind::kUnsignedTail);
  EXPECT_EQ(report.findings[0].severity, Severity::kWarning);
  EXPECT_EQ(report.findings[0].sequence, 0u);
  EXPECT_EQ(report.findings[0].line, 1u);

  log->close();
  report = verify_audit_directory(directory.path(), signer.public_key_pem);
  EXPECT_TRUE(report.findings.empty()) << describe(report);
}

TEST_F(AuditVerifyTest, EverySingleByteChangeFails) {
  // Any one byte changed anywhere in a log file or a digest (but a digest's final newline,
  // which is white space) must fail verification, and nothing may crash.
  std::mt19937_64 random(16);
  TempDirectory scratch;
  std::vector<fs::path> targets;
  for (std::size_t i = 0; i < files_.size(); ++i) targets.push_back(files_[i].name);
  for (std::size_t i = 0; i < digests_.size(); ++i) targets.push_back(digests_[i].name);
  for (int round = 0; round < 200; ++round) {
    const fs::path copy = scratch.path() / std::to_string(round);
    fs::copy(dir(), copy);
    const fs::path target = copy / targets[random() % targets.size()];
    std::string text = read_text(target);
    const bool digest = target.filename().string().starts_with("digest-");
    const std::size_t at = random() % (text.size() - (digest ? 1 : 0));
    text[at] = static_cast<char>(text[at] ^ (1 << (random() % 8)));
    write_text(target, text);
    const VerifyReport report = verify_audit_directory(copy, signer_.public_key_pem);
    EXPECT_FALSE(report.ok()) << target << " byte " << at;
    fs::remove_all(copy);
  }
}

TEST_F(AuditVerifyTest, HostileFilesAreFindingsNotCrashes) {
  const std::string name = log_file_name(now_, 1000);
  std::string hostile;
  hostile += std::string(3 << 20, 'x') + "\n";  // far too long
  hostile += std::string(100000, '[') + "\n";   // too deep
  hostile += R"({"sequence":99999999999999999999999,"previousHash":"0","event":{}})"
             "\n";
  hostile += R"({"sequence":-1,"previousHash":")" + std::string(64, '0') +
             R"(","event":{}})"
             "\n";
  hostile += std::string("\0\0\0\xff\xfe\n", 6);
  hostile += "\n\n{}\n[]\nnull\n\"\"\n";
  hostile += R"({"sequence":1000,"previousHash":")" + std::string(64, 'f') +
             R"(","event":{"eventTime":42}})"
             "\n";
  write_text(dir() / name, hostile);
  write_text(dir() / digest_file_name(now_, 1000), std::string(2 << 20, '{'));
  write_text(dir() / digest_file_name(now_, 1001),
             R"({"digestVersion":1,"digestSequence":1001,"logFiles":[1,2],"signature":"!!"})");
  write_text(dir() / "audit-public-key-junk.pem", "-----BEGIN PUBLIC KEY-----\nAAAA\n");
  const VerifyReport report = verify();
  EXPECT_FALSE(report.ok());
  const VerifyReport untrusted = verify_audit_directory(dir(), std::nullopt);
  EXPECT_FALSE(untrusted.ok());
}

TEST(AuditVerifyArgumentsTest, RefusesAMissingDirectoryAndABadTrustedKey) {
  TempDirectory directory;
  EXPECT_THAT([&] { verify_audit_directory(directory.path() / "absent", std::nullopt); },
              ThrowsError(ErrorCode::kNotFound));
  EXPECT_THAT([&] { verify_audit_directory(directory.path(), std::string("not a key")); },
              ThrowsError(ErrorCode::kValidation));
  const VerifyReport empty = verify_audit_directory(directory.path(), std::nullopt);
  EXPECT_TRUE(empty.ok());
  EXPECT_EQ(empty.summary.records_checked, 0u);
}

}  // namespace
}  // namespace coffer::core::audit
