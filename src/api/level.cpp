// Level api: see CMakeLists.txt for the order of levels.
