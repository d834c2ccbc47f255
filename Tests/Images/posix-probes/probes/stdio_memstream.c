#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	fprintf(out, "%s %d", "memstream", 42);
	fclose(out);
	printf("[%s] %zu\n", text, size);
	free(text);
	char buf[] = "10 20 30";
	FILE *in = fmemopen(buf, strlen(buf), "r");
	int a, b, c;
	int fields = fscanf(in, "%d %d %d", &a, &b, &c);
	printf("fscanf %d: %d\n", fields, a + b + c);
	fclose(in);
	return 0;
}
