// zlib's inflate, for gzip files (CLIP's BPE vocabulary ships as .txt.gz).
#include <zlib.h>
