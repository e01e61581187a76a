@NullMarked
package org.overturn.evidence;

import org.jspecify.annotations.NullMarked;
