/* hello: the bundled example WASI program. Prints a greeting and its arguments, sums the
 * numbers it is given, and exits with status 0. */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    long sum = 0;
    printf("hello from wasm\n");
    for (int i = 1; i < argc; i++) {
        printf("arg %d: %s\n", i, argv[i]);
        sum += strtol(argv[i], NULL, 10);
    }
    printf("sum: %ld\n", sum);
    return 0;
}
