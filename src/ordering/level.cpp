// Level ordering: see CMakeLists.txt for the order of levels.
