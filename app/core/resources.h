// Files embedded into the program at build time (fonts/, translations/ru.po). The views are
// valid for the whole run; nothing is read from disk.
#pragma once

#include <string_view>

namespace kenes::app {

std::string_view embeddedFontRegular();       // fonts/NotoSans-Regular.ttf
std::string_view embeddedFontBold();          // fonts/NotoSans-Bold.ttf
std::string_view embeddedRussianCatalogue();  // translations/ru.po

}  // namespace kenes::app
