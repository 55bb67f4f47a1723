// libjpeg (libjpeg-turbo 2.1) for Rollout: encode samples into a JPEG in memory, and make a
// preview with the library's DCT scaling. libjpeg reports errors through error_exit, which must
// not return: here it jumps back (longjmp) to the function that called the library, within C,
// so no Swift frame is ever jumped over.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <jpeglib.h>

struct rollout_jpeg_error {
    struct jpeg_error_mgr pub;
    jmp_buf jump;
    char message[JMSG_LENGTH_MAX];
};

static void rollout_jpeg_error_exit(j_common_ptr cinfo) {
    struct rollout_jpeg_error *e = (struct rollout_jpeg_error *)cinfo->err;
    (*cinfo->err->format_message)(cinfo, e->message);
    longjmp(e->jump, 1);
}

static void rollout_jpeg_no_output(j_common_ptr cinfo) { (void)cinfo; }

/// Sets up the error manager that jumps back instead of exiting, silent on warnings.
static inline struct jpeg_error_mgr *rollout_jpeg_errors(struct rollout_jpeg_error *err) {
    struct jpeg_error_mgr *mgr = jpeg_std_error(&err->pub);
    err->pub.error_exit = rollout_jpeg_error_exit;
    err->pub.output_message = rollout_jpeg_no_output;
    err->message[0] = 0;
    return mgr;
}

/// Copies libjpeg's message out, always terminated.
static inline void rollout_jpeg_message(const struct rollout_jpeg_error *err, char *message) {
    strncpy(message, err->message, JMSG_LENGTH_MAX - 1);
    message[JMSG_LENGTH_MAX - 1] = 0;
}

/// Encodes 8-bit samples (1 component: grey, 3: RGB), row by row, into a baseline JPEG in
/// memory. 0 on success (*out is malloc'd: free it), 1 with `message` (JMSG_LENGTH_MAX bytes) set.
static inline int rollout_jpeg_encode(const unsigned char *pixels, int width, int height, int components, int quality,
                                      unsigned char **out, unsigned long *out_size, char *message) {
    struct jpeg_compress_struct cinfo;
    struct rollout_jpeg_error err;
    // The library grows the buffer through this address; it lives in memory, so it is known after a jump.
    struct { unsigned char *buffer; unsigned long size; } dest = { NULL, 0 };
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = rollout_jpeg_errors(&err);
    if (setjmp(err.jump)) {
        jpeg_destroy_compress(&cinfo);
        if (dest.buffer) free(dest.buffer);
        rollout_jpeg_message(&err, message);
        return 1;
    }
    jpeg_create_compress(&cinfo);
    jpeg_mem_dest(&cinfo, &dest.buffer, &dest.size);
    cinfo.image_width = (JDIMENSION)width;
    cinfo.image_height = (JDIMENSION)height;
    cinfo.input_components = components;
    cinfo.in_color_space = components == 1 ? JCS_GRAYSCALE : JCS_RGB;
    jpeg_set_defaults(&cinfo);
    jpeg_set_quality(&cinfo, quality, TRUE);
    jpeg_start_compress(&cinfo, TRUE);
    while (cinfo.next_scanline < cinfo.image_height) {
        JSAMPROW row = (JSAMPROW)(pixels + (size_t)cinfo.next_scanline * (size_t)width * (size_t)components);
        jpeg_write_scanlines(&cinfo, &row, 1);
    }
    jpeg_finish_compress(&cinfo);
    jpeg_destroy_compress(&cinfo);
    *out = dest.buffer;
    *out_size = dest.size;
    return 0;
}

/// Decodes a JPEG at the smallest DCT scale (1/8 … 8/8) whose longer side is still at least
/// `min_side` (or the full size, if smaller), as RGB. 0 on success (*pixels malloc'd: free it,
/// 3 bytes a pixel), 1 with `message` set. Only the header is read before the scale is chosen, and
/// a picture of more than `max_pixels` is refused before anything is decoded.
static inline int rollout_jpeg_decode_scaled(const unsigned char *data, unsigned long size, int min_side, unsigned long long max_pixels,
                                             unsigned char **pixels, int *width, int *height, char *message) {
    struct jpeg_decompress_struct cinfo;
    struct rollout_jpeg_error err;
    unsigned char *volatile buffer = NULL;
    memset(&cinfo, 0, sizeof cinfo);
    cinfo.err = rollout_jpeg_errors(&err);
    if (setjmp(err.jump)) {
        jpeg_destroy_decompress(&cinfo);
        if (buffer) free(buffer);
        rollout_jpeg_message(&err, message);
        return 1;
    }
    jpeg_create_decompress(&cinfo);
    jpeg_mem_src(&cinfo, data, size);
    jpeg_read_header(&cinfo, TRUE);
    if ((unsigned long long)cinfo.image_width * (unsigned long long)cinfo.image_height > max_pixels) {
        jpeg_destroy_decompress(&cinfo);
        strncpy(message, "too many pixels", JMSG_LENGTH_MAX - 1);
        return 1;
    }
    unsigned int longer = cinfo.image_width > cinfo.image_height ? cinfo.image_width : cinfo.image_height;
    unsigned int num = 8;
    while (num > 1 && (unsigned long)longer * (num - 1) / 8 >= (unsigned long)min_side) num--;
    cinfo.scale_num = num;
    cinfo.scale_denom = 8;
    cinfo.out_color_space = JCS_RGB;
    cinfo.dct_method = JDCT_ISLOW;
    jpeg_start_decompress(&cinfo);
    size_t stride = (size_t)cinfo.output_width * 3;
    buffer = malloc(stride * (size_t)cinfo.output_height);
    if (!buffer) {
        jpeg_destroy_decompress(&cinfo);
        strncpy(message, "out of memory", JMSG_LENGTH_MAX - 1);
        return 1;
    }
    while (cinfo.output_scanline < cinfo.output_height) {
        JSAMPROW row = (JSAMPROW)(buffer + stride * cinfo.output_scanline);
        jpeg_read_scanlines(&cinfo, &row, 1);
    }
    *width = (int)cinfo.output_width;
    *height = (int)cinfo.output_height;
    jpeg_finish_decompress(&cinfo);
    jpeg_destroy_decompress(&cinfo);
    *pixels = buffer;
    return 0;
}
