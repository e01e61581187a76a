@NullMarked
package org.overturn;

import org.jspecify.annotations.NullMarked;
