#include <stdio.h>
#include <string.h>

int main(void)
{
	FILE *f = fopen("lines.txt", "w");
	for (int i = 1; i <= 5; i++)
		fprintf(f, "line %d\n", i);
	fclose(f);
	f = fopen("lines.txt", "r");
	char line[32];
	int count = 0;
	while (fgets(line, sizeof line, f))
		count++;
	printf("lines %d last %s", count, line);
	printf("feof %d ferror %d\n", feof(f), ferror(f));
	rewind(f);
	printf("first char %c\n", fgetc(f));
	fclose(f);
	f = fopen("lines.txt", "a+");
	fputs("appended\n", f);
	fseek(f, 0, SEEK_END);
	printf("size %ld\n", ftell(f));
	fclose(f);
	return remove("lines.txt");
}
