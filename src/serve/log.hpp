// SPDX-License-Identifier: MIT
// Server log lines on stderr ("konnx serve: ..."), separate from the access log. Verbosity as the CLI's:
// -1 errors only, 0 warnings and startup/shutdown, 1 info (-v), 2 debug (-vv).
#pragma once

#include <string>

namespace konnx::serve {

void set_log_verbosity(int verbosity);
int log_verbosity();
/// Written whole under a lock; `level` 0 = error, 1 = notice (startup, shutdown, model loads), 2 = info, 3 = debug.
void log_line(int level, const std::string& message);

inline void log_error(const std::string& m) { log_line(0, "error: " + m); }
inline void log_warning(const std::string& m) { log_line(1, "warning: " + m); }
inline void log_notice(const std::string& m) { log_line(1, m); }
inline void log_info(const std::string& m) { log_line(2, m); }

}  // namespace konnx::serve
