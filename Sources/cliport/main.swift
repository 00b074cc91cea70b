print("cliport")
