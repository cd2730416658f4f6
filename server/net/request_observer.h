// How a listener reports each answered request to metrics: the operation (only names the
// listener serves, "other" for the rest, so peers cannot create series), the result code
// ("OK" or the exception name) and the seconds from the request's first byte to its answer.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace coffer::server {

using RequestObserver =
    std::function<void(const std::string& method, std::string_view code, double seconds)>;

}  // namespace coffer::server
