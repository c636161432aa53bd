// Level storage: see CMakeLists.txt for the order of levels.
