#include "tools/coffer/output.h"

#include <algorithm>
#include <cstdio>

#include <google/protobuf/util/json_util.h>
#include <google/protobuf/util/time_util.h>

#include "common/error.h"
#include "common/secret_bytes.h"

namespace coffer::tools::cli {

void print_json(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.add_whitespace = true;
  options.always_print_primitive_fields = true;
  std::string text;
  auto status = google::protobuf::util::MessageToJsonString(message, &text, options);
  if (!status.ok())
    throw Error(ErrorCode::kInternal, "cannot print the response as JSON: " + status.ToString());
  std::fwrite(text.data(), 1, text.size(), stdout);
  if (text.empty() || text.back() != '\n') std::fputc('\n', stdout);
  secure_zero(text.data(), text.size());  // a decrypt response holds the plaintext
}

std::string format_time(const google::protobuf::Timestamp& ts, bool set) {
  if (!set) return "-";
  return google::protobuf::util::TimeUtil::ToString(ts);
}

void print_fields(const Fields& fields) {
  std::size_t width = 0;
  for (const auto& [name, value] : fields) width = std::max(width, name.size());
  for (const auto& [name, value] : fields) {
    std::printf("%-*s  %s\n", static_cast<int>(width), name.c_str(), value.c_str());
  }
}

void Table::print() const {
  std::vector<std::size_t> widths(headers_.size());
  for (std::size_t c = 0; c < headers_.size(); ++c) widths[c] = headers_[c].size();
  for (const auto& row : rows_) {
    for (std::size_t c = 0; c < row.size() && c < widths.size(); ++c)
      widths[c] = std::max(widths[c], row[c].size());
  }
  auto print_row = [&](const std::vector<std::string>& row) {
    std::string line;
    for (std::size_t c = 0; c < widths.size(); ++c) {
      const std::string& cell = c < row.size() ? row[c] : std::string();
      line += cell;
      if (c + 1 < widths.size()) line += std::string(widths[c] - cell.size() + 2, ' ');
    }
    std::printf("%s\n", line.c_str());
  };
  print_row(headers_);
  for (const auto& row : rows_) print_row(row);
  if (rows_.empty()) std::printf("(none)\n");
}

}  // namespace coffer::tools::cli
