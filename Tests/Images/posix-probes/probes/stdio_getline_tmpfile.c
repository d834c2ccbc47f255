#include <stdio.h>
#include <stdlib.h>

int main(void)
{
	FILE *f = tmpfile();
	printf("tmpfile %d\n", f != NULL);
	if (f == NULL)
		return 1;
	fputs("short\na much longer line than the first one\n\nend", f);
	rewind(f);
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	while ((n = getline(&line, &cap, f)) != -1)
		printf("%zd ", n);
	printf("\n");
	free(line);
	fclose(f);
	return 0;
}
