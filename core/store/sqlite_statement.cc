#include "core/store/sqlite_statement.h"

#include <sqlite3.h>

#include "common/error.h"

namespace coffer::core {

[[noreturn]] void throw_sqlite(sqlite3* db, std::string_view what) {
  throw Error(ErrorCode::kInternal,
              "metadata store: " + std::string(what) + ": " + sqlite3_errmsg(db));
}

SqliteStatement::SqliteStatement(sqlite3* db, std::string_view sql) : db_(db) {
  if (sqlite3_prepare_v2(db, sql.data(), static_cast<int>(sql.size()), &statement_, nullptr) !=
      SQLITE_OK) {
    throw_sqlite(db, "prepare");
  }
}

SqliteStatement::~SqliteStatement() { sqlite3_finalize(statement_); }

SqliteStatement& SqliteStatement::bind(int index, std::string_view text) {
  if (sqlite3_bind_text(statement_, index, text.data(), static_cast<int>(text.size()),
                        SQLITE_TRANSIENT) != SQLITE_OK)
    throw_sqlite(db_, "bind");
  return *this;
}

SqliteStatement& SqliteStatement::bind(int index, std::int64_t value) {
  if (sqlite3_bind_int64(statement_, index, value) != SQLITE_OK) throw_sqlite(db_, "bind");
  return *this;
}

SqliteStatement& SqliteStatement::bind_null(int index) {
  if (sqlite3_bind_null(statement_, index) != SQLITE_OK) throw_sqlite(db_, "bind");
  return *this;
}

SqliteStatement& SqliteStatement::bind_blob(int index, const std::vector<std::uint8_t>& bytes) {
  // An empty vector's data() may be null, which SQLite binds as NULL: bind a zero-length
  // blob instead, so that "empty" and "absent" stay different.
  const int rc = bytes.empty()
                     ? sqlite3_bind_zeroblob(statement_, index, 0)
                     : sqlite3_bind_blob(statement_, index, bytes.data(),
                                         static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
  if (rc != SQLITE_OK) throw_sqlite(db_, "bind");
  return *this;
}

std::vector<std::uint8_t> SqliteStatement::blob(int column) const {
  const auto* value = static_cast<const std::uint8_t*>(sqlite3_column_blob(statement_, column));
  int size = sqlite3_column_bytes(statement_, column);
  return value ? std::vector<std::uint8_t>(value, value + size) : std::vector<std::uint8_t>();
}

bool SqliteStatement::step() {
  int rc = sqlite3_step(statement_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  throw_sqlite(db_, "step");
}

int SqliteStatement::run() {
  while (step()) {
  }
  return sqlite3_changes(db_);
}

std::string SqliteStatement::text(int column) const {
  const unsigned char* value = sqlite3_column_text(statement_, column);
  int size = sqlite3_column_bytes(statement_, column);
  return value ? std::string(reinterpret_cast<const char*>(value), static_cast<std::size_t>(size))
               : std::string();
}

std::int64_t SqliteStatement::integer(int column) const {
  return sqlite3_column_int64(statement_, column);
}

bool SqliteStatement::is_null(int column) const {
  return sqlite3_column_type(statement_, column) == SQLITE_NULL;
}

std::optional<std::int64_t> SqliteStatement::optional_integer(int column) const {
  if (is_null(column)) return std::nullopt;
  return integer(column);
}

}  // namespace coffer::core
