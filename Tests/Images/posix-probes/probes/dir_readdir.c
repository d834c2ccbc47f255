#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int compare(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	mkdir("list", 0755);
	const char *names[] = {"list/banana", "list/apple", "list/cherry"};
	for (int i = 0; i < 3; i++)
		close(open(names[i], O_CREAT | O_WRONLY, 0600));
	mkdir("list/sub", 0755);
	DIR *dir = opendir("list");
	char *seen[16];
	int count = 0;
	struct dirent *entry;
	while ((entry = readdir(dir)) != NULL && count < 16)
		seen[count++] = strdup(entry->d_name);
	closedir(dir);
	/* Directory order is the file system's own: compare sorted. */
	qsort(seen, count, sizeof *seen, compare);
	for (int i = 0; i < count; i++) {
		printf("%s\n", seen[i]);
		free(seen[i]);
	}
	for (int i = 0; i < 3; i++)
		unlink(names[i]);
	rmdir("list/sub");
	return rmdir("list");
}
