#include <stdio.h>

int main(void)
{
	char buf[8];
	int n = snprintf(buf, sizeof buf, "%s-%d", "truncated", 12345);
	printf("snprintf %d [%s]\n", n, buf);
	int a;
	float f;
	char word[16];
	int fields = sscanf("17 2.5 words here", "%d %f %15s", &a, &f, word);
	printf("sscanf %d %d %.1f %s\n", fields, a, f, word);
	unsigned x;
	int converted = sscanf("0x1f", "%x", &x);
	printf("hex %d %u\n", converted, x);
	printf("none %d\n", sscanf("abc", "%d", &a));
	return 0;
}
