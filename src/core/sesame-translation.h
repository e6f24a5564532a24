/* sesame-translation.h: message catalogs for a language chosen at run time
 *
 * The report language is independent of the process locale: a person may
 * use an English desktop and print a Japanese checklist for their router.
 * glibc's gettext follows the process locale (and ignores LANGUAGE under
 * LANG=C), so report text is looked up here instead, in the same compiled
 * catalogs that the GUI uses, embedded as resources.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define SESAME_TYPE_TRANSLATION (sesame_translation_get_type ())

G_DECLARE_FINAL_TYPE (SesameTranslation, sesame_translation, SESAME, TRANSLATION, GObject)

#define SESAME_TRANSLATION_ERROR (sesame_translation_error_quark ())

typedef enum
{
  SESAME_TRANSLATION_ERROR_INVALID,
  SESAME_TRANSLATION_ERROR_UNSUPPORTED,
} SesameTranslationError;

/* Report text marked for xgettext with the keywords T_:2, TC_:2c,3 and TN_:2,3 */
#define T_(tr, s)          sesame_translation_gettext ((tr), (s))
#define TC_(tr, ctx, s)    sesame_translation_pgettext ((tr), (ctx), (s))
#define TN_(tr, s, p, n)   sesame_translation_ngettext ((tr), (s), (p), (n))

GQuark              sesame_translation_error_quark       (void);

SesameTranslation  *sesame_translation_new_from_bytes    (const char   *language,
                                                          GBytes       *mo_file,
                                                          GError      **error);
SesameTranslation  *sesame_translation_get_for_language  (const char   *language,
                                                          GError      **error);
const char * const *sesame_translation_get_languages     (void);
gboolean            sesame_translation_is_supported      (const char   *language);
gboolean            sesame_translation_contains          (SesameTranslation *self,
                                                          const char        *msgid);
const char         *sesame_translation_get_default_language (void);

const char         *sesame_translation_get_language      (SesameTranslation *self);
const char         *sesame_translation_gettext           (SesameTranslation *self,
                                                          const char        *msgid) G_GNUC_FORMAT (2);
const char         *sesame_translation_pgettext          (SesameTranslation *self,
                                                          const char        *context,
                                                          const char        *msgid) G_GNUC_FORMAT (3);
const char         *sesame_translation_ngettext          (SesameTranslation *self,
                                                          const char        *msgid,
                                                          const char        *msgid_plural,
                                                          gulong             n) G_GNUC_FORMAT (3);

G_END_DECLS
