#include <stdio.h>

int main(void)
{
	FILE *f = fopen("seek", "w+");
	fputs("0123456789", f);
	fseek(f, 4, SEEK_SET);
	printf("at 4: %c\n", fgetc(f));
	ungetc('X', f);
	int pushed = fgetc(f);
	int next = fgetc(f);
	printf("unget %c then %c\n", pushed, next);
	fseek(f, -3, SEEK_END);
	int tail = fgetc(f);
	printf("tail %c ftell %ld\n", tail, ftell(f));
	fpos_t pos;
	fgetpos(f, &pos);
	fgetc(f);
	fsetpos(f, &pos);
	printf("restored %c\n", fgetc(f));
	fclose(f);
	return remove("seek");
}
