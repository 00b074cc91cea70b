// libpng simplified API only (the classic API needs setjmp, unavailable in Swift).
#include <png.h>
