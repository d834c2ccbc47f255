#include <stdio.h>
#include <unistd.h>

/* stdio's own buffer: nothing reaches the file until a flush. */
int main(void)
{
	FILE *f = fopen("buffered", "w");
	static char buffer[256];
	setvbuf(f, buffer, _IOFBF, sizeof buffer);
	fputs("pending", f);
	FILE *check = fopen("buffered", "r");
	fseek(check, 0, SEEK_END);
	printf("before flush %ld\n", ftell(check));
	fflush(f);
	fseek(check, 0, SEEK_END);
	printf("after flush %ld\n", ftell(check));
	fclose(check);
	fclose(f);
	return remove("buffered");
}
