/*
 * Compiled fast path for DarkMachines lines.
 *
 * One pass over the bytes splits each line into its header and objects and
 * converts every number. It accepts exactly the number syntax of the
 * line-checked parser (FLOAT_PATTERN and INTEGER_PATTERN in diagnose.py).
 * Every conversion is correctly rounded. Significands up to 2^53 with a
 * power of ten up to 10^22 take Clinger's exact path, longer ones up to 19
 * digits take an 80-bit path that checks its own rounding, and the rest go
 * to strtod. Lines this parser does not take are listed by index, and the
 * caller passes them to the parser that finds and explains bad lines.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define MAX_CODES 32
#define MAX_SLOW_NUMBER 128
#define MAX_EVENT_ID_DIGITS 18
#define MAX_EXACT_SIGNIFICAND (UINT64_C(1) << 53)

/*
 * Clinger's path needs each double operation rounded once. Where doubles are
 * evaluated in wider registers (FLT_EVAL_METHOD != 0, as with the x87 unit of
 * 32-bit x86), a second rounding could creep in, so strtod is used instead.
 */
#if defined(FLT_EVAL_METHOD) && FLT_EVAL_METHOD == 0
#define EXACT_DOUBLE_PATH 1
#else
#define EXACT_DOUBLE_PATH 0
#endif

static const double POWERS_OF_TEN[] = {
    1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static inline int is_digit(char c) { return (unsigned char)(c - '0') < 10; }

/*
 * With GCC or Clang on a little-endian machine, bytes are tested several at
 * a time as one integer. Defining PORTABLE_ONLY turns this and the 80-bit
 * path off, to test the plain C paths that other platforms use.
 */
#if !defined(PORTABLE_ONLY) && defined(__GNUC__) && defined(__BYTE_ORDER__) \
    && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define LITTLE_ENDIAN_WORDS 1
#define NOINLINE __attribute__((noinline))
static const uint64_t SMALL_POWERS_OF_TEN[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
#else
#define NOINLINE
#endif

/*
 * Read the run of decimal digits that starts at *cursor and ends before
 * stop, append them to *value and return how many there were. The value
 * wraps past 19 digits, so callers check the count. Where the compiler
 * allows, eight bytes are tested and converted at once, with the first
 * character in the lowest byte.
 */
static inline int read_digits(const char **cursor, const char *stop, uint64_t *value) {
    const char *p = *cursor;
    uint64_t v = *value;
#ifdef LITTLE_ENDIAN_WORDS
    while (stop - p >= 8) {
        uint64_t digits;
        memcpy(&digits, p, 8);
        digits ^= UINT64_C(0x3030303030303030);
        /* A byte is a digit if its value is now 0 to 9, because adding 0x76 then leaves its top bit clear. */
        uint64_t non_digit = ((digits + UINT64_C(0x7676767676767676)) | digits) & UINT64_C(0x8080808080808080);
        int n = non_digit ? __builtin_ctzll(non_digit) >> 3 : 8;
        if (n == 0) break;
        digits <<= 8 * (8 - n);
        digits = (digits * 10 + (digits >> 8)) & UINT64_C(0x00FF00FF00FF00FF);
        digits = (digits * 100 + (digits >> 16)) & UINT64_C(0x0000FFFF0000FFFF);
        digits = (digits * 10000 + (digits >> 32)) & UINT64_C(0x00000000FFFFFFFF);
        v = v * SMALL_POWERS_OF_TEN[n] + digits;
        p += n;
        if (n < 8) goto done;
    }
#endif
    for (; p < stop && is_digit(*p); p++) v = v * 10 + (uint64_t)(*p - '0');
#ifdef LITTLE_ENDIAN_WORDS
done:
#endif
    *value = v;
    int count = (int)(p - *cursor);
    *cursor = p;
    return count;
}

#if !defined(PORTABLE_ONLY) && defined(__GNUC__) && defined(__x86_64__) && LDBL_MANT_DIG == 64
#define EXTENDED_PRECISION 1
/* Each of these powers has a mantissa of at most 64 bits, so each is exact. */
static const long double EXTENDED_POWERS_OF_TEN[] = {
    1e0L,  1e1L,  1e2L,  1e3L,  1e4L,  1e5L,  1e6L,  1e7L,  1e8L,  1e9L,  1e10L, 1e11L, 1e12L, 1e13L,
    1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L, 1e26L, 1e27L,
};

/* Whether long double arithmetic really keeps 64 bits, as the x87 unit does unless reconfigured. */
static int extended_precision_works(void) {
    volatile long double base = 1.0L, epsilon = LDBL_EPSILON;
    return base + epsilon != base;
}

/*
 * Convert significand * 10^exponent for significands above 2^53, such as
 * the 17-digit values that float32 data printed in full gives. One 80-bit
 * operation is within half a unit of its 64-bit mantissa, so rounding that
 * to 53 bits is correct unless the 11 dropped bits are within one unit of
 * the halfway pattern 0x400. Returns 0 in that case, or if the exponent is
 * out of range, and the caller uses strtod.
 */
static inline int read_extended(uint64_t significand, long exponent, double *out) {
    if (exponent < -27 || exponent > 27) return 0;
    long double value = (long double)significand;
    value = exponent >= 0 ? value * EXTENDED_POWERS_OF_TEN[exponent] : value / EXTENDED_POWERS_OF_TEN[-exponent];
    uint64_t mantissa;
    memcpy(&mantissa, &value, sizeof mantissa);
    unsigned dropped = (unsigned)(mantissa & 0x7FF);
    if (dropped >= 0x3FF && dropped <= 0x401) return 0;
    *out = (double)value;
    return 1;
}
/* Set once when the module loads. */
static int use_extended = 0;
#endif

/* Convert [start, stop) with strtod, for numbers that neither the exact nor the 80-bit path takes. */
static NOINLINE const char *read_double_slowly(const char *start, const char *stop, double *out) {
    char copy[MAX_SLOW_NUMBER];
    char *after;
    size_t length = (size_t)(stop - start);
    if (length >= sizeof copy) return NULL;
    memcpy(copy, start, length);
    copy[length] = '\0';
    double value = strtod(copy, &after);
    if (after != copy + length || !isfinite(value)) return NULL;
    *out = value;
    return stop;
}

/*
 * Read a number that matches ^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$ from
 * [p, end), where stop is the end of the whole buffer. Returns where the
 * number stops, or NULL if p is NULL, no such number starts at p or it does
 * not convert to a finite double.
 */
static inline const char *read_double(const char *p, const char *end, const char *stop, double *out) {
    if (p == NULL || p >= end) return NULL;
    const char *start = p;
    uint64_t significand = 0;
    long exponent = 0;
    /* Signs are random in eta and phi, so they are skipped without a branch. */
    int negative = *p == '-';
    p += negative | (*p == '+');
    int n_digits = read_digits(&p, stop, &significand);
    if (p < end && *p == '.') {
        p++;
        int n_fraction = read_digits(&p, stop, &significand);
        n_digits += n_fraction;
        exponent = -n_fraction;
    }
    if (n_digits == 0 || p > end) return NULL;
    if (p < end && (*p == 'e' || *p == 'E')) {
        int exponent_negative = 0;
        long value = 0;
        p++;
        if (p < end && (*p == '+' || *p == '-')) {
            exponent_negative = *p == '-';
            p++;
        }
        if (p == end || !is_digit(*p)) return NULL;
        for (; p < end && is_digit(*p); p++) {
            if (value < 100000) value = value * 10 + (*p - '0');
        }
        exponent += exponent_negative ? -value : value;
    }

    double value;
    if (EXACT_DOUBLE_PATH && n_digits <= 19 && significand <= MAX_EXACT_SIGNIFICAND && exponent >= -22
        && exponent <= 22) {
        /* Both operands are exact doubles, so one IEEE operation rounds correctly. */
        value = (double)significand;
        value = exponent >= 0 ? value * POWERS_OF_TEN[exponent] : value / POWERS_OF_TEN[-exponent];
        *out = negative ? -value : value;
        return p;
    }
#ifdef EXTENDED_PRECISION
    if (use_extended && n_digits <= 19 && read_extended(significand, exponent, &value)) {
        *out = negative ? -value : value;
        return p;
    }
#endif
    return read_double_slowly(start, p, out);
}

/* Read an event ID that matches ^[+-]?\d{1,18}$. */
static const char *read_event_id(const char *p, const char *end, const char *stop, int64_t *out) {
    int negative = 0;
    uint64_t value = 0;
    if (p < end && (*p == '+' || *p == '-')) {
        negative = *p == '-';
        p++;
    }
    int n_digits = read_digits(&p, stop, &value);
    if (n_digits == 0 || n_digits > MAX_EVENT_ID_DIGITS || p > end) return NULL;
    *out = negative ? -(int64_t)value : (int64_t)value;
    return p;
}

#define MAX_CODE_LENGTH 3

/*
 * Known codes, each packed into an integer with its first character in the
 * lowest byte and its length in the highest, so that a NUL byte in a code
 * cannot make it match a shorter one.
 */
typedef struct {
    uint32_t packed[MAX_CODES];
    const char *canonical[MAX_CODES];
    Py_ssize_t canonical_length[MAX_CODES];
    Py_ssize_t longest_canonical;
    int count;
} KnownCodes;

/*
 * Read an object code, which ends at the next ','. Store its index among the
 * known codes and return where it stops, or NULL for an unknown code.
 */
static inline const char *read_code(const char *p, const char *end, const char *stop, const KnownCodes *codes,
                                    int *index) {
    uint32_t key = 0;
    int length = 0;
#ifdef LITTLE_ENDIAN_WORDS
    if (stop - p >= 4) {
        uint32_t word, comma;
        memcpy(&word, p, 4);
        comma = word ^ UINT32_C(0x2C2C2C2C);
        comma = (comma - UINT32_C(0x01010101)) & ~comma & UINT32_C(0x80808080);
        if (comma == 0) return NULL;
        length = __builtin_ctz(comma) >> 3;
        key = length ? word & ((UINT32_C(1) << (8 * length)) - 1) : 0;
    } else
#endif
    {
        for (; length <= MAX_CODE_LENGTH && p + length < end && p[length] != ','; length++) {
            if (length < MAX_CODE_LENGTH) key |= (uint32_t)(unsigned char)p[length] << (8 * length);
        }
        if (length > MAX_CODE_LENGTH) return NULL;
    }
    key |= (uint32_t)length << 24;
    int found = -1;
    for (int i = 0; i < codes->count; i++) found = key == codes->packed[i] ? i : found;
    if (found < 0 || length == 0) return NULL;
    *index = found;
    return p + length;
}

/* Check that p stops at the expected separator, and return the byte after it. */
static inline const char *expect(const char *p, const char *end, char separator) {
    return (p != NULL && p < end && *p == separator) ? p + 1 : NULL;
}

/* The output columns, each returned as a bytes object of machine-endian values. */
enum {
    LINE_INDEX, EVENT_ID, N_OBJECTS, WEIGHT, MET, MET_PHI, PROCESS_OFFSETS, PROCESS_TEXT,
    TYPE_OFFSETS, TYPE_TEXT, ENERGY, PT, ETA, PHI, SKIPPED_LINES, SKIPPED_STARTS, SKIPPED_ENDS, N_COLUMNS,
};
static const char *COLUMN_NAMES[N_COLUMNS] = {
    "line_index", "event_id", "n_objects", "weight", "met", "met_phi", "process_offsets", "process_text",
    "type_offsets", "type_text", "energy", "pt", "eta", "phi", "skipped_lines",
    "skipped_starts", "skipped_ends",
};
static const Py_ssize_t ITEM_SIZES[N_COLUMNS] = {8, 8, 8, 8, 8, 8, 4, 1, 4, 1, 8, 8, 8, 8, 8, 8, 8};

typedef struct {
    int64_t *line_index, *event_id, *objects_per_event, *skipped_lines, *skipped_starts, *skipped_ends;
    double *weight, *met, *met_phi, *energy, *pt, *eta, *phi;
    int32_t *process_offsets, *type_offsets;
    char *process_text, *type_text;
    Py_ssize_t event_capacity, object_capacity;
    Py_ssize_t n_events, n_objects, n_blank, n_skipped, process_length, type_length;
} Output;

/* Parse one line in [p, end), without its newline, CR or trailing ';'. Return 0 on success. */
static int parse_line(const char *p, const char *end, const char *stop, const KnownCodes *codes, Output *out,
                      int64_t line) {
    Py_ssize_t event = out->n_events, first_object = out->n_objects;
    if (event >= out->event_capacity) return -1;
    int64_t event_id;
    double weight, met, met_phi;

    p = expect(read_event_id(p, end, stop, &event_id), end, ';');
    if (p == NULL) return -1;
    const char *process = p;
    while (p < end && *p != ';') {
        if (*p == ',' || (unsigned char)*p >= 0x80) return -1;
        p++;
    }
    if (p == process || p == end) return -1;
    const char *process_end = p;
    p = expect(read_double(p + 1, end, stop, &weight), end, ';');
    p = expect(read_double(p, end, stop, &met), end, ';');
    p = read_double(p, end, stop, &met_phi);
    if (p == NULL || met < 0) return -1;

    Py_ssize_t object = first_object, type_length = out->type_length;
    for (; p < end; object++) {
        if (*p != ';' || object >= out->object_capacity) return -1;
        int index;
        p = expect(read_code(p + 1, end, stop, codes, &index), end, ',');
        p = expect(read_double(p, end, stop, &out->energy[object]), end, ',');
        p = expect(read_double(p, end, stop, &out->pt[object]), end, ',');
        p = expect(read_double(p, end, stop, &out->eta[object]), end, ',');
        p = read_double(p, end, stop, &out->phi[object]);
        if (p == NULL || out->energy[object] < 0 || out->pt[object] < 0) return -1;
        memcpy(out->type_text + type_length, codes->canonical[index], (size_t)codes->canonical_length[index]);
        type_length += codes->canonical_length[index];
        out->type_offsets[object + 1] = (int32_t)type_length;
    }

    /* The line is valid: commit it. */
    memcpy(out->process_text + out->process_length, process, (size_t)(process_end - process));
    out->process_length += process_end - process;
    out->process_offsets[event + 1] = (int32_t)out->process_length;
    out->type_length = type_length;
    out->line_index[event] = line;
    out->event_id[event] = event_id;
    out->weight[event] = weight;
    out->met[event] = met;
    out->met_phi[event] = met_phi;
    out->objects_per_event[event] = object - first_object;
    out->n_objects = object;
    out->n_events++;
    return 0;
}

/*
 * Parse every line of the buffer, and record the index and byte range of
 * each line this parser does not take. Return -1 if there are too many such
 * lines to record.
 */
static int parse_all(const char *data, Py_ssize_t size, const KnownCodes *codes, Output *out) {
    const char *p = data, *stop = data + size;
    int64_t line = 0;
    out->process_offsets[0] = 0;
    out->type_offsets[0] = 0;
    while (p < stop) {
        const char *newline = memchr(p, '\n', (size_t)(stop - p));
        const char *next = newline ? newline + 1 : stop;
        const char *end = newline ? newline : stop;
        if (end > p && end[-1] == '\r') end--;
        if (end == p) {
            out->n_blank++;
        } else {
            if (end[-1] == ';') end--;
            if (parse_line(p, end, stop, codes, out, line) != 0) {
                if (out->n_skipped >= out->event_capacity) return -1;
                out->skipped_lines[out->n_skipped] = line;
                out->skipped_starts[out->n_skipped] = p - data;
                out->skipped_ends[out->n_skipped] = (newline ? newline : stop) - data;
                out->n_skipped++;
            }
        }
        line++;
        p = next;
    }
    return 0;
}

/* Read the (code, canonical code) pairs of bytes given by the caller. */
static int read_codes(PyObject *sequence, KnownCodes *codes) {
    Py_ssize_t count = PySequence_Fast_GET_SIZE(sequence);
    if (count > MAX_CODES) {
        PyErr_Format(PyExc_ValueError, "too many object codes: %zd, at most %d", count, MAX_CODES);
        return -1;
    }
    codes->longest_canonical = 0;
    for (Py_ssize_t i = 0; i < count; i++) {
        PyObject *pair = PySequence_Fast_GET_ITEM(sequence, i);
        PyObject *code, *canonical;
        if (!PyTuple_Check(pair) || !PyArg_ParseTuple(pair, "SS", &code, &canonical)) {
            PyErr_SetString(PyExc_TypeError, "object codes must be (code, canonical code) pairs of bytes");
            return -1;
        }
        Py_ssize_t length = PyBytes_GET_SIZE(code);
        if (length == 0 || length > MAX_CODE_LENGTH) {
            PyErr_Format(PyExc_ValueError, "invalid object code %R: it must have 1 to 3 characters", code);
            return -1;
        }
        codes->packed[i] = (uint32_t)length << 24;
        for (Py_ssize_t k = 0; k < length; k++) {
            codes->packed[i] |= (uint32_t)(unsigned char)PyBytes_AS_STRING(code)[k] << (8 * k);
        }
        codes->canonical[i] = PyBytes_AS_STRING(canonical);
        codes->canonical_length[i] = PyBytes_GET_SIZE(canonical);
        if (codes->canonical_length[i] > codes->longest_canonical) {
            codes->longest_canonical = codes->canonical_length[i];
        }
    }
    codes->count = (int)count;
    return 0;
}

static PyObject *parse_block(PyObject *self, PyObject *args) {
    (void)self;
    Py_buffer buffer;
    PyObject *code_pairs, *sequence = NULL, *result = NULL, *columns[N_COLUMNS] = {NULL};
    KnownCodes codes;
    Output out;
    memset(&out, 0, sizeof out);

    if (!PyArg_ParseTuple(args, "y*O", &buffer, &code_pairs)) return NULL;
    sequence = PySequence_Fast(code_pairs, "object codes must be a sequence");
    if (sequence == NULL || read_codes(sequence, &codes) != 0) goto done;
    if (buffer.len > INT32_MAX / (codes.longest_canonical + 1)) {
        /* Text offsets are 32-bit, so the general parser takes such a block. */
        result = Py_NewRef(Py_None);
        goto done;
    }

    /* A valid line takes at least 10 bytes ("0;p;0;0;0\n"), and so does an object (";j,0,0,0,0"). */
    out.event_capacity = buffer.len / 10 + 1;
    out.object_capacity = buffer.len / 10 + 1;
    Py_ssize_t capacity[N_COLUMNS];
    for (int i = 0; i < N_COLUMNS; i++) capacity[i] = i < PROCESS_OFFSETS ? out.event_capacity : out.object_capacity;
    capacity[PROCESS_OFFSETS] = out.event_capacity + 1;
    capacity[PROCESS_TEXT] = buffer.len;
    capacity[TYPE_OFFSETS] = out.object_capacity + 1;
    capacity[TYPE_TEXT] = out.object_capacity * codes.longest_canonical;
    capacity[SKIPPED_LINES] = capacity[SKIPPED_STARTS] = capacity[SKIPPED_ENDS] = out.event_capacity;
    char *data[N_COLUMNS];
    for (int i = 0; i < N_COLUMNS; i++) {
        columns[i] = PyBytes_FromStringAndSize(NULL, capacity[i] * ITEM_SIZES[i]);
        if (columns[i] == NULL) goto done;
        data[i] = PyBytes_AS_STRING(columns[i]);
    }
    out.line_index = (int64_t *)data[LINE_INDEX];
    out.event_id = (int64_t *)data[EVENT_ID];
    out.objects_per_event = (int64_t *)data[N_OBJECTS];
    out.weight = (double *)data[WEIGHT];
    out.met = (double *)data[MET];
    out.met_phi = (double *)data[MET_PHI];
    out.process_offsets = (int32_t *)data[PROCESS_OFFSETS];
    out.process_text = data[PROCESS_TEXT];
    out.type_offsets = (int32_t *)data[TYPE_OFFSETS];
    out.type_text = data[TYPE_TEXT];
    out.energy = (double *)data[ENERGY];
    out.pt = (double *)data[PT];
    out.eta = (double *)data[ETA];
    out.phi = (double *)data[PHI];
    out.skipped_lines = (int64_t *)data[SKIPPED_LINES];
    out.skipped_starts = (int64_t *)data[SKIPPED_STARTS];
    out.skipped_ends = (int64_t *)data[SKIPPED_ENDS];

    int status;
    Py_BEGIN_ALLOW_THREADS
    status = parse_all(buffer.buf, buffer.len, &codes, &out);
    Py_END_ALLOW_THREADS
    if (status != 0) {
        result = Py_NewRef(Py_None);
        goto done;
    }
    Py_ssize_t used[N_COLUMNS];
    for (int i = 0; i < N_COLUMNS; i++) used[i] = i < PROCESS_OFFSETS ? out.n_events : out.n_objects;
    used[PROCESS_OFFSETS] = out.n_events + 1;
    used[PROCESS_TEXT] = out.process_length;
    used[TYPE_OFFSETS] = out.n_objects + 1;
    used[TYPE_TEXT] = out.type_length;
    used[SKIPPED_LINES] = used[SKIPPED_STARTS] = used[SKIPPED_ENDS] = out.n_skipped;
    PyObject *named = PyDict_New();
    if (named == NULL) goto done;
    for (int i = 0; i < N_COLUMNS; i++) {
        /* Shrink each column to what was parsed, so no spare room stays allocated. */
        if (_PyBytes_Resize(&columns[i], used[i] * ITEM_SIZES[i]) != 0
            || PyDict_SetItemString(named, COLUMN_NAMES[i], columns[i]) != 0) {
            Py_DECREF(named);
            goto done;
        }
    }
    result = Py_BuildValue("(nnnN)", out.n_events, out.n_objects, out.n_blank, named);

done:
    for (int i = 0; i < N_COLUMNS; i++) Py_XDECREF(columns[i]);
    Py_XDECREF(sequence);
    PyBuffer_Release(&buffer);
    return result;
}

static PyMethodDef methods[] = {
    {"parse_block", parse_block, METH_VARARGS,
     "parse_block(data, codes) -> (n_events, n_objects, n_blank, columns) or None\n\n"
     "Parse bytes of whole DarkMachines lines. codes contains (code, canonical\n"
     "code) pairs of bytes. columns maps each column name to a bytes object of\n"
     "machine-endian values. Lines that are not valid, or that use a form this\n"
     "parser leaves to the general parser, are listed in skipped_lines, with\n"
     "their byte ranges in skipped_starts and skipped_ends. Returns\n"
     "None if there are too many of them."},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef module = {
    PyModuleDef_HEAD_INIT, "_fastparse", "Compiled parser for blocks of valid DarkMachines lines.", -1, methods,
    NULL, NULL, NULL, NULL,
};

PyMODINIT_FUNC PyInit__fastparse(void) {
#ifdef EXTENDED_PRECISION
    use_extended = extended_precision_works();
#endif
    return PyModule_Create(&module);
}
