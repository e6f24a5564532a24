/* sesame-prober.h: every probe at once, with one deadline
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "sesame-probe-report.h"

G_BEGIN_DECLS

#define SESAME_TYPE_PROBER (sesame_prober_get_type ())

G_DECLARE_FINAL_TYPE (SesameProber, sesame_prober, SESAME, PROBER, GObject)

#define SESAME_PROBER_DEFAULT_DEADLINE_MS 4000

SesameProber       *sesame_prober_new                (void);

const char * const *sesame_prober_get_default_stun_servers (void);
const char * const *sesame_prober_get_default_ip_urls      (void);
const char         *sesame_prober_get_default_check_url    (void);

void                sesame_prober_set_stun_servers   (SesameProber        *self,
                                                      const char * const  *servers);
void                sesame_prober_set_ip_urls        (SesameProber        *self,
                                                      const char * const  *urls);
void                sesame_prober_set_check_url      (SesameProber        *self,
                                                      const char          *template);
void                sesame_prober_set_internet       (SesameProber        *self,
                                                      gboolean             allowed);
void                sesame_prober_set_router         (SesameProber        *self,
                                                      gboolean             allowed);
void                sesame_prober_set_deadline       (SesameProber        *self,
                                                      guint                deadline_ms);
void                sesame_prober_add_port           (SesameProber        *self,
                                                      const char          *protocol,
                                                      guint16              port);

guint               sesame_prober_add_forwards       (SesameProber        *self,
                                                      GPtrArray           *forwards);
void                sesame_prober_run_async          (SesameProber        *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
const SesameProbeReport *sesame_prober_peek_report (SesameProber        *self);
SesameProbeReport  *sesame_prober_run_finish         (SesameProber        *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);

void                sesame_prober_judge_access       (SesameProbeReport   *report);
void                sesame_prober_judge_transition   (SesameProbeReport   *report);

G_END_DECLS
