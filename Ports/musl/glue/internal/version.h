#define VERSION "1.2.3"
