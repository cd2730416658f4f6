// How coffer prints responses: aligned tables and "Name  value" lists for people, the
// response message as JSON (bytes in base64) for scripts.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include <google/protobuf/message.h>
#include <google/protobuf/timestamp.pb.h>

namespace coffer::tools::cli {

// The message as indented JSON on stdout, every field present (false, 0, "" included).
void print_json(const google::protobuf::Message& message);

// RFC 3339 UTC ("2026-01-01T00:00:00Z"); "-" for an unset timestamp.
std::string format_time(const google::protobuf::Timestamp& ts, bool set);

// "Name    value" lines, names aligned.
using Fields = std::vector<std::pair<std::string, std::string>>;
void print_fields(const Fields& fields);

class Table {
 public:
  explicit Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}
  void add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  // Header and rows, columns aligned; "(none)" when there are no rows.
  void print() const;

 private:
  std::vector<std::string> headers_;
  std::vector<std::vector<std::string>> rows_;
};

// "a, b, c"; "-" when empty.
template <class Strings>
std::string join(const Strings& items) {
  std::string out;
  for (const auto& item : items) out += (out.empty() ? "" : ", ") + std::string(item);
  return out.empty() ? "-" : out;
}

inline std::string yes_no(bool value) { return value ? "yes" : "no"; }
inline std::string or_dash(const std::string& value) { return value.empty() ? "-" : value; }

}  // namespace coffer::tools::cli
