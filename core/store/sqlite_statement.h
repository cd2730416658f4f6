// A prepared SQLite statement with typed binds and reads; errors become coffer::Error.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace coffer::core {

class SqliteStatement {
 public:
  SqliteStatement(sqlite3* db, std::string_view sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, std::string_view text);
  SqliteStatement& bind(int index, std::int64_t value);
  SqliteStatement& bind_null(int index);
  SqliteStatement& bind_blob(int index, const std::vector<std::uint8_t>& bytes);
  template <class T>
  SqliteStatement& bind_optional(int index, const std::optional<T>& value) {
    if (value) return bind(index, static_cast<std::int64_t>(*value));
    return bind_null(index);
  }

  // True while there is a row to read; false when done.
  bool step();
  // Runs a statement that returns no rows; returns the number of rows changed.
  int run();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  std::vector<std::uint8_t> blob(int column) const;
  bool is_null(int column) const;
  std::optional<std::int64_t> optional_integer(int column) const;

 private:
  sqlite3* db_;
  sqlite3_stmt* statement_ = nullptr;
};

// Throws coffer::Error(kInternal) carrying SQLite's message.
[[noreturn]] void throw_sqlite(sqlite3* db, std::string_view what);

}  // namespace coffer::core
