@NullMarked
package org.overturn.appeals;

import org.jspecify.annotations.NullMarked;
