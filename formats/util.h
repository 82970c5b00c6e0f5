// Small parsing helpers shared by the importers in formats/ (not part of the public API).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "formats/schedule.h"

namespace kenes::formats {

// "HH:MM" or "HH:MM:SS" (hours may exceed 24) or bare minutes, in seconds.
std::optional<int64_t> parseDuration(std::string_view text);
// "HH:MM" (seconds ignored) → (hour, minute).
std::optional<std::pair<int, int>> parseClock(std::string_view text);
std::string trim(std::string_view s);
// Appends `room` to s.rooms unless present.
void addRoom(SourceSchedule& s, const std::string& room);

}  // namespace kenes::formats
