#include "tools/command_line/help_format.h"

#include <memory>

namespace coffer::tools {

void use_help_format(CLI::App& app) {
  auto format = std::make_shared<CLI::Formatter>();
  format->label("Usage", "usage");
  // "generate-data-key-pair-without-plaintext" and its summary on one line.
  format->column_width(44);
  app.formatter(format);
}

}  // namespace coffer::tools
