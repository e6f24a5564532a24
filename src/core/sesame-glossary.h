/* sesame-glossary.h: what the words of the checks mean, in one plain line
 *
 * A person who has never heard of NAT types, carrier-grade NAT or MAP-E
 * meets each with one line in plain words: "What does this mean?" on the
 * checks page, and beside each finding in the checklist. The lines are
 * keyed by finding id ("cgnat", "port-unreachable"…), by NAT type
 * ("nat:full-cone", after the nicks of SesameNatClassic) and by the topic
 * of a check that has no finding yet ("public-address", "nat", "path",
 * "router", "port").
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "sesame-translation.h"

G_BEGIN_DECLS

const char         *sesame_glossary_explain (SesameTranslation *tr,
                                             const char        *key);
const char * const *sesame_glossary_keys    (void);

G_END_DECLS
