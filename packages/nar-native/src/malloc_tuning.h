#ifndef NARWHAL_MALLOC_TUNING_H
#define NARWHAL_MALLOC_TUNING_H

/* Tells glibc's malloc to keep freed memory for reuse; 1 when applied, 0 elsewhere (not glibc) or on refusal. */
int malloc_keep_freed_memory(void);

#endif
