// The one source of kenes_test_main that is compiled with the precompiled header every test
// reuses: CMake builds a target's precompiled header only when one of its sources uses it, and
// test_main.cpp cannot (it must define CATCH_CONFIG_MAIN before Catch is first included).
