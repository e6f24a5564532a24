/* sesame-findings.h: what the probe results mean for a plan, decided once
 *
 * The one place where probe results become verdicts: the checks page, the
 * checklist (every writer), the settings report and sesame-cli only render
 * what sesame_findings_new() returns. It lives here, beside the probe
 * report, because it reads both the plan and catalog (src/core) and the
 * report (src/probes), and core may not depend on probes; the model it
 * returns (SesameFinding, src/core/sesame-finding.h) is in core, so that the
 * checklist can carry it to the writers. It is pure: no I/O, no GTK.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-catalog.h"
#include "sesame-finding.h"
#include "sesame-plan.h"
#include "sesame-probe-report.h"
#include "sesame-translation.h"

G_BEGIN_DECLS

GPtrArray *sesame_findings_new             (SesamePlan              *plan,
                                            SesameCatalog           *catalog,
                                            const SesameProbeReport *report,
                                            const char              *language,
                                            GError                 **error);
gboolean   sesame_findings_path_blocked    (GPtrArray               *findings);
gboolean   sesame_findings_automatic_helps (GPtrArray               *findings);
const char *sesame_nat_classic_label       (SesameTranslation       *tr,
                                            SesameNatClassic         classic);

G_END_DECLS
