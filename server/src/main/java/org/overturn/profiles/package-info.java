@NullMarked
package org.overturn.profiles;

import org.jspecify.annotations.NullMarked;
