#include <stdio.h>

struct record {
	int id;
	double value;
};

int main(void)
{
	struct record out[3] = {{1, 1.5}, {2, 2.5}, {3, 3.5}}, in[3];
	FILE *f = fopen("records", "wb");
	printf("wrote %zu\n", fwrite(out, sizeof out[0], 3, f));
	fclose(f);
	f = fopen("records", "rb");
	printf("read %zu\n", fread(in, sizeof in[0], 5, f));
	printf("%d %.1f / %d %.1f\n", in[0].id, in[0].value, in[2].id,
	       in[2].value);
	printf("eof %d\n", feof(f) != 0);
	fclose(f);
	return remove("records");
}
