@NullMarked
package org.overturn.deadlines;

import org.jspecify.annotations.NullMarked;
